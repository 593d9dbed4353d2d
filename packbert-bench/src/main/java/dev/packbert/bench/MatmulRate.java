package dev.packbert.bench;

import dev.packbert.model.EngineOptions;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * The denominator of MFU: what TensorFlow's fp32 MatMul achieves on this machine with the engine's
 * thread settings. Sampled between the benchmark's chunks, like the variants themselves, so that
 * other load on a shared machine lowers both sides of the ratio alike; the rate is total FLOPs /
 * total time over all samples (a mean, as the variants' rates are). Shape m×k · k×n; the benchmark
 * uses 4096×768 · 768×3072 (BERT-base's FFN up-projection on one 4,096-token batch, the shape the
 * variants' big matmuls have). Inputs are fed placeholders, so Grappler cannot fold the product
 * into a constant.
 */
public final class MatmulRate implements AutoCloseable {
  private final Graph graph = new Graph();
  private final Session session;
  private final TFloat32 a;
  private final TFloat32 b;
  private final Operand<TFloat32> pa;
  private final Operand<TFloat32> pb;
  private final Operand<TFloat32> product;
  private final double flopsPerRun;
  private long nanos;
  private long runs;

  public MatmulRate(EngineOptions o, int m, int k, int n) {
    ConfigProto cfg =
        ConfigProto.newBuilder()
            .setIntraOpParallelismThreads(o.intraOpThreads())
            .setInterOpParallelismThreads(o.interOpThreads())
            .putDeviceCount("GPU", 0)
            .build();
    Ops tf = Ops.create(graph);
    pa = tf.placeholder(TFloat32.class);
    pb = tf.placeholder(TFloat32.class);
    product = tf.linalg.matMul(pa, pb);
    session = new Session(graph, cfg);
    a = TFloat32.tensorOf(Shape.of(m, k), DataBuffers.of(random(m * k, 1), true, false));
    b = TFloat32.tensorOf(Shape.of(k, n), DataBuffers.of(random(k * n, 2), true, false));
    flopsPerRun = 2.0 * m * k * n;
    once(); // warm-up: oneDNN primitive creation is not part of the rate
  }

  private long once() {
    long t0 = System.nanoTime();
    // targeting (not fetching) the product times the kernel, not a 12 MB copy back to Java
    session.runner().feed(pa, a).feed(pb, b).addTarget(product).run();
    return System.nanoTime() - t0;
  }

  /** Adds {@code repeats} timed runs to the rate. */
  public void sample(int repeats) {
    for (int r = 0; r < repeats; r++) {
      nanos += once();
      runs++;
    }
  }

  /** FLOP/s over all samples so far. */
  public double rate() {
    return runs == 0 ? Double.NaN : flopsPerRun * runs / (nanos / 1e9);
  }

  private static float[] random(int size, long seed) {
    Random r = new Random(seed);
    float[] x = new float[size];
    for (int i = 0; i < size; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return x;
  }

  @Override
  public void close() {
    a.close();
    b.close();
    session.close();
    graph.close();
  }
}
