package dev.packbert.bench;

import dev.packbert.model.EngineOptions;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TBfloat16;
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
  private final Tensor a;
  private final Tensor b;
  private final Operand<?> pa;
  private final Operand<?> pb;
  private final Operand<?> product;
  private final double flopsPerRun;
  private long nanos;
  private long runs;

  public MatmulRate(EngineOptions o, int m, int k, int n) {
    this(o, m, k, n, false);
  }

  /**
   * With {@code bf16}, both inputs and the product are bfloat16 (oneDNN's bf16 MatMul where the CPU
   * has bf16 instructions): the rate of the matrix work PackBERT's bf16 precision runs.
   */
  public MatmulRate(EngineOptions o, int m, int k, int n, boolean bf16) {
    ConfigProto cfg =
        ConfigProto.newBuilder()
            .setIntraOpParallelismThreads(o.intraOpThreads())
            .setInterOpParallelismThreads(o.interOpThreads())
            .putDeviceCount("GPU", 0)
            .build();
    Ops tf = Ops.create(graph);
    if (bf16) {
      Operand<TBfloat16> x = tf.placeholder(TBfloat16.class);
      Operand<TBfloat16> y = tf.placeholder(TBfloat16.class);
      pa = x;
      pb = y;
      product = tf.linalg.matMul(x, y);
      a = TBfloat16.tensorOf(Shape.of(m, k), DataBuffers.of(random(m * k, 1), true, false));
      b = TBfloat16.tensorOf(Shape.of(k, n), DataBuffers.of(random(k * n, 2), true, false));
    } else {
      Operand<TFloat32> x = tf.placeholder(TFloat32.class);
      Operand<TFloat32> y = tf.placeholder(TFloat32.class);
      pa = x;
      pb = y;
      product = tf.linalg.matMul(x, y);
      a = TFloat32.tensorOf(Shape.of(m, k), DataBuffers.of(random(m * k, 1), true, false));
      b = TFloat32.tensorOf(Shape.of(k, n), DataBuffers.of(random(k * n, 2), true, false));
    }
    session = new Session(graph, cfg);
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
