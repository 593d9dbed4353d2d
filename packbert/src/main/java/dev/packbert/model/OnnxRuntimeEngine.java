package dev.packbert.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * BERT on ONNX Runtime (CPU): the graph {@link OnnxBertGraph} writes from the weights, run on the
 * same packed rows as {@link BertEngine} and equal to it. Thread-safe: ORT sessions accept
 * concurrent runs.
 *
 * <p>Mean pooling happens here, not in the graph: ONNX has no segment sum, and the {@code [B·L, H]}
 * output it needs is a few MB per batch. The attention mask is always fed; without a user mask it
 * is the block-diagonal mask of the segment ids, built here ({@code B·L²} floats, 2 MB for 4,096
 * tokens at L = 128).
 */
public final class OnnxRuntimeEngine extends LoadedEngine {
  /** Optional path where ORT writes the graph after its fusions, to see which ones applied. */
  public static final String OPTIMIZED_MODEL_PROPERTY = "packbert.ort.optimizedModel";

  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;

  /** Runs hold the read lock, close takes the write lock: no session is freed under a run. */
  private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();

  private boolean closed;

  public OnnxRuntimeEngine(BertWeights weights, EngineOptions options) {
    super(weights, options);
    if (options.precision() != Precision.FP32) {
      throw new IllegalArgumentException(
          "precision " + options.precision() + " needs the tensorflow engine; onnxruntime is fp32");
    }
    byte[] model = OnnxBertGraph.modelBytes(weights);
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      so.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      so.setIntraOpNumThreads(options.intraOpThreads());
      so.setInterOpNumThreads(1);
      // Idle pool threads would otherwise spin waiting for work: on an executor whose cores are
      // all busy with other tasks, spinning steals the cores those tasks run on.
      so.addConfigEntry("session.intra_op.allow_spinning", "0");
      String optimized = System.getProperty(OPTIMIZED_MODEL_PROPERTY, "");
      if (!optimized.isEmpty()) {
        so.setOptimizedModelFilePath(optimized);
      }
      this.session = env.createSession(model, so);
    } catch (OrtException e) {
      throw new ModelFormatException("ONNX Runtime cannot load the model: " + e.getMessage(), e);
    }
    opened();
  }

  @Override
  protected SentenceVectors embedSentences(PackedBatch batch, Set<Pooling> poolings) {
    int h = config.hiddenSize();
    Map<Pooling, float[]> vectors = new EnumMap<>(Pooling.class);
    Set<String> fetch = new LinkedHashSet<>();
    for (Pooling p : poolings) {
      fetch.add(outputOf(p));
    }
    Map<String, float[]> out = run(batch, fetch);
    for (Pooling p : poolings) {
      vectors.put(
          p,
          switch (p) {
            case MEAN -> meanPool(batch, out.get(OnnxBertGraph.OUT_HIDDEN), h);
            case MAX -> maxPool(batch, out.get(OnnxBertGraph.OUT_HIDDEN), h);
            default -> out.get(outputOf(p));
          });
    }
    return new SentenceVectors(batch.sentences(), h, vectors);
  }

  @Override
  public float[] tokenVectors(PackedBatch batch) {
    return run(batch, Set.of(OnnxBertGraph.OUT_HIDDEN)).get(OnnxBertGraph.OUT_HIDDEN);
  }

  private static String outputOf(Pooling p) {
    return switch (p) {
      case CLS -> OnnxBertGraph.OUT_CLS;
      case MEAN, MAX -> OnnxBertGraph.OUT_HIDDEN;
      case POOLER -> OnnxBertGraph.OUT_POOLER;
    };
  }

  /**
   * Mean over each sentence's tokens, summed in token order in float as TF's UnsortedSegmentSum.
   */
  static float[] meanPool(PackedBatch b, float[] hidden, int h) {
    float[] mean = new float[b.sentences() * h];
    for (int s = 0; s < b.sentences(); s++) {
      int first = b.sentenceRow[s] * b.length + b.sentenceOffset[s];
      int n = b.sentenceLength[s];
      for (int t = first; t < first + n; t++) {
        for (int d = 0; d < h; d++) {
          mean[s * h + d] += hidden[t * h + d];
        }
      }
      for (int d = 0; d < h; d++) {
        mean[s * h + d] /= n;
      }
    }
    return mean;
  }

  /** Element-wise max over each sentence's tokens, as BertGraph's UnsortedSegmentMax. */
  static float[] maxPool(PackedBatch b, float[] hidden, int h) {
    float[] max = new float[b.sentences() * h];
    java.util.Arrays.fill(max, Float.NEGATIVE_INFINITY);
    for (int s = 0; s < b.sentences(); s++) {
      int first = b.sentenceRow[s] * b.length + b.sentenceOffset[s];
      for (int t = first; t < first + b.sentenceLength[s]; t++) {
        for (int d = 0; d < h; d++) {
          max[s * h + d] = Math.max(max[s * h + d], hidden[t * h + d]);
        }
      }
    }
    return max;
  }

  /** mask[b][i][j] = 1 iff seg[b][i] == seg[b][j] != 0, exactly BertGraph's in-graph default. */
  static float[] blockDiagonalMask(PackedBatch b) {
    int l = b.length;
    float[] m = new float[b.rows * l * l];
    for (int r = 0; r < b.rows; r++) {
      for (int i = 0; i < l; i++) {
        int si = b.segmentIds[r * l + i];
        if (si == 0) {
          continue;
        }
        int base = (r * l + i) * l;
        for (int j = 0; j < l; j++) {
          if (b.segmentIds[r * l + j] == si) {
            m[base + j] = 1f;
          }
        }
      }
    }
    return m;
  }

  private Map<String, float[]> run(PackedBatch b, Set<String> fetch) {
    long[] tokens = {b.rows, b.length};
    int[] cls = new int[b.sentences()];
    for (int s = 0; s < cls.length; s++) {
      cls[s] = b.sentenceRow[s] * b.length + b.sentenceOffset[s];
    }
    float[] mask = b.mask != null ? b.mask : blockDiagonalMask(b);
    lifecycle.readLock().lock();
    try {
      if (closed) {
        throw new IllegalStateException("the ONNX Runtime engine is closed");
      }
      try (OnnxTensor ids = ints(b.inputIds, tokens);
          OnnxTensor types = ints(b.tokenTypeIds, tokens);
          OnnxTensor positions = ints(b.positionIds, tokens);
          OnnxTensor clsIndex = ints(cls, new long[] {cls.length});
          OnnxTensor attention =
              OnnxTensor.createTensor(
                  env, FloatBuffer.wrap(mask), new long[] {b.rows, b.length, b.length})) {
        Map<String, OnnxTensor> feeds = new HashMap<>();
        feeds.put(OnnxBertGraph.INPUT_IDS, ids);
        feeds.put(OnnxBertGraph.TOKEN_TYPE_IDS, types);
        feeds.put(OnnxBertGraph.POSITION_IDS, positions);
        feeds.put(OnnxBertGraph.ATTENTION_MASK, attention);
        feeds.put(OnnxBertGraph.CLS_INDEX, clsIndex);
        try (OrtSession.Result r = session.run(feeds, fetch)) {
          Map<String, float[]> out = new HashMap<>();
          for (String name : fetch) {
            OnnxValue v =
                r.get(name).orElseThrow(() -> new IllegalStateException("no output " + name));
            FloatBuffer fb = ((OnnxTensor) v).getFloatBuffer();
            float[] a = new float[fb.remaining()];
            fb.get(a);
            out.put(name, a);
          }
          return out;
        }
      } catch (OrtException e) {
        throw new IllegalStateException("ONNX Runtime: " + e.getMessage(), e);
      }
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  private OnnxTensor ints(int[] values, long[] shape) throws OrtException {
    return OnnxTensor.createTensor(env, IntBuffer.wrap(values), shape);
  }

  @Override
  public void close() {
    lifecycle.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        forget();
        session.close();
      }
    } catch (OrtException e) {
      throw new IllegalStateException("closing the ONNX Runtime session: " + e.getMessage(), e);
    } finally {
      lifecycle.writeLock().unlock();
    }
  }
}
