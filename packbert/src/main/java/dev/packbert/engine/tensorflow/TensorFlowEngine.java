package dev.packbert.engine.tensorflow;

import dev.packbert.engine.BertSignature;
import dev.packbert.engine.BertSignature.Output;
import dev.packbert.engine.LoadedEngine;
import dev.packbert.model.BertWeights;
import dev.packbert.model.EngineOptions;
import dev.packbert.model.ModelFormatException;
import dev.packbert.model.PackedBatch;
import dev.packbert.model.Precision;
import dev.packbert.model.TensorData;
import dev.packbert.weights.TfTensors;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.RewriterConfig;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * One loaded BERT on TensorFlow: a graph, a session and its weights. Thread-safe: TensorFlow
 * sessions accept concurrent runs, and TF Java's Session.close() waits for active ones, so one
 * engine serves every task of an executor.
 */
public final class TensorFlowEngine extends LoadedEngine {
  private final Graph graph;
  private final Session session;

  public TensorFlowEngine(BertWeights weights, EngineOptions options) {
    super(weights, options);
    Graph g = new Graph();
    Session s = null;
    try {
      BertGraph bert = BertGraph.build(g, config, hasPooler);
      s = new Session(g, sessionConfig(options));
      loadWeights(s, bert, weights);
    } catch (RuntimeException e) {
      if (s != null) {
        s.close();
      }
      g.close();
      throw e;
    }
    this.graph = g;
    this.session = s;
    opened();
  }

  static ConfigProto sessionConfig(EngineOptions o) {
    ConfigProto.Builder b =
        ConfigProto.newBuilder()
            .setIntraOpParallelismThreads(o.intraOpThreads())
            .setInterOpParallelismThreads(o.interOpThreads())
            .setAllowSoftPlacement(true);
    // Take GPU memory as batches need it, so a second executor process on the host still fits.
    b.getGpuOptionsBuilder().setAllowGrowth(true);
    if (!o.useGpu()) {
      b.putDeviceCount("GPU", 0);
    }
    if (o.precision() == Precision.BF16) {
      b.getGraphOptionsBuilder()
          .getRewriteOptionsBuilder()
          .setAutoMixedPrecisionOnednnBfloat16(RewriterConfig.Toggle.ON);
    }
    return b.build();
  }

  /** Feeds each weight once into its variable, one tensor at a time to keep the peak low. */
  private static void loadWeights(Session s, BertGraph bert, BertWeights weights) {
    for (Map.Entry<String, String[]> e : bert.weightFeeds().entrySet()) {
      TensorData t = weights.get(e.getKey());
      try (TFloat32 value =
          TFloat32.tensorOf(Shape.of(t.shape()), DataBuffers.of(t.values(), true, false))) {
        s.runner().feed(e.getValue()[0], value).addTarget(e.getValue()[1]).run();
      } catch (TensorFlowException ex) {
        throw new ModelFormatException(
            "cannot load tensor " + e.getKey() + ": " + ex.getMessage(), ex);
      }
    }
  }

  @Override
  protected Map<Output, float[]> run(PackedBatch batch, float[] mask, Set<Output> fetch) {
    List<Output> order = List.copyOf(fetch);
    try (Feeds f = new Feeds(batch, mask)) {
      Session.Runner r = f.feed(session.runner());
      order.forEach(o -> r.fetch(o.tensor()));
      try (Result out = r.run()) {
        Map<Output, float[]> values = new EnumMap<>(Output.class);
        for (int i = 0; i < order.size(); i++) {
          values.put(order.get(i), TfTensors.floats((TFloat32) out.get(i)));
        }
        return values;
      }
    }
  }

  /**
   * Runs the batch once with TensorFlow's full trace and returns the summed op time (µs) per op
   * type, largest first: where the time goes inside the graph (the benchmark's --profile).
   */
  @Override
  public Map<String, Long> profile(PackedBatch batch, Set<Output> fetch) {
    org.tensorflow.proto.RunOptions trace =
        org.tensorflow.proto.RunOptions.newBuilder()
            .setTraceLevel(org.tensorflow.proto.RunOptions.TraceLevel.FULL_TRACE)
            .build();
    try (Feeds f = new Feeds(batch, batch.attentionMask())) {
      Session.Runner r = f.feed(session.runner()).setOptions(trace);
      fetch.forEach(o -> r.fetch(o.tensor()));
      try (Result out = r.runAndFetchMetadata()) {
        Map<String, Long> byType = new java.util.HashMap<>();
        out.getMetadata()
            .ifPresent(
                md ->
                    md.getStepStats()
                        .getDevStatsList()
                        .forEach(
                            dev ->
                                dev.getNodeStatsList()
                                    .forEach(
                                        n ->
                                            byType.merge(
                                                opType(n.getTimelineLabel(), n.getNodeName()),
                                                n.getOpEndRelMicros() - n.getOpStartRelMicros(),
                                                Long::sum))));
        java.util.LinkedHashMap<String, Long> sorted = new java.util.LinkedHashMap<>();
        byType.entrySet().stream()
            .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
            .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
      }
    }
  }

  /** "name = Op(inputs)" is the trace's label format; fall back to the node name. */
  private static String opType(String label, String node) {
    int eq = label.indexOf(" = ");
    int paren = label.indexOf('(', Math.max(0, eq));
    return eq >= 0 && paren > eq ? label.substring(eq + 3, paren) : node;
  }

  /** The input tensors of one batch, closed together. */
  private static final class Feeds implements AutoCloseable {
    private final TInt32 ids;
    private final TInt32 types;
    private final TInt32 positions;
    private final TInt32 clsIndex;
    private final TFloat32 mask;

    Feeds(PackedBatch b, float[] attentionMask) {
      Shape shape = Shape.of(b.rows, b.length);
      ids = ints(shape, b.inputIds);
      types = ints(shape, b.tokenTypeIds);
      positions = ints(shape, b.positionIds);
      clsIndex = ints(Shape.of(b.sentences()), b.clsIndex());
      mask =
          TFloat32.tensorOf(
              Shape.of(b.rows, b.length, b.length), DataBuffers.of(attentionMask, true, false));
    }

    private static TInt32 ints(Shape shape, int[] values) {
      return TInt32.tensorOf(shape, DataBuffers.of(values, true, false));
    }

    Session.Runner feed(Session.Runner r) {
      return r.feed(BertSignature.INPUT_IDS, ids)
          .feed(BertSignature.TOKEN_TYPE_IDS, types)
          .feed(BertSignature.POSITION_IDS, positions)
          .feed(BertSignature.ATTENTION_MASK, mask)
          .feed(BertSignature.CLS_INDEX, clsIndex);
    }

    @Override
    public void close() {
      for (Tensor t : new Tensor[] {ids, types, positions, clsIndex, mask}) {
        t.close();
      }
    }
  }

  @Override
  public void close() {
    if (forget()) {
      session.close();
      graph.close();
    }
  }
}
