package dev.packbert.engine.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.packbert.engine.BertSignature;
import dev.packbert.engine.BertSignature.Output;
import dev.packbert.engine.LoadedEngine;
import dev.packbert.model.BertWeights;
import dev.packbert.model.EngineOptions;
import dev.packbert.model.ModelFormatException;
import dev.packbert.model.PackedBatch;
import dev.packbert.model.Precision;
import dev.packbert.model.TensorData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * BERT on ONNX Runtime (CPU): the graph {@link OnnxBertGraph} writes from the weights, run on the
 * same packed rows as the TensorFlow engine and equal to it. Thread-safe: ORT sessions accept
 * concurrent runs.
 *
 * <p>ORT runs every node of a graph whatever a run fetches, so a run that needs no token vectors
 * ([CLS] or pooler only) gets a session on a graph without the all-token last layer. Each kind of
 * session is made on first use; a job uses one.
 */
public final class OnnxRuntimeEngine extends LoadedEngine {
  /** Optional path where ORT writes the graph after its fusions, to see which ones applied. */
  public static final String OPTIMIZED_MODEL_PROPERTY = "packbert.ort.optimizedModel";

  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final BertWeights weights;

  /** Keyed by whether the graph computes token vectors. */
  private final Map<Boolean, OrtSession> sessions = new ConcurrentHashMap<>();

  /** The weights in the sessions, by name (see {@link #initializer}). */
  private final Map<String, OnnxTensor> initializers = new ConcurrentHashMap<>();

  /** Runs hold the read lock, close takes the write lock: no session is freed under a run. */
  private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();

  private boolean closed;

  public OnnxRuntimeEngine(BertWeights weights, EngineOptions options) {
    super(weights, options);
    if (options.precision() == Precision.BF16) {
      throw new IllegalArgumentException("precision bf16 needs engine tensorflow");
    }
    this.weights = weights;
    // the [CLS]-only graph now, so a model ORT cannot load fails here, at load, in one line
    session(false);
    opened();
  }

  private OrtSession session(boolean tokenVectors) {
    return sessions.computeIfAbsent(tokenVectors, this::createSession);
  }

  private OrtSession createSession(boolean tokenVectors) {
    return createSession(tokenVectors, null);
  }

  /** With {@code profilePrefix}, a session that writes ORT's profile to that path prefix. */
  private OrtSession createSession(boolean tokenVectors, Path profilePrefix) {
    OnnxBertGraph.Shared graph = OnnxBertGraph.shared(weights, tokenVectors, options.precision());
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      if (profilePrefix != null) {
        so.enableProfiling(profilePrefix.toString());
      }
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
      // the weights go in place, each once per engine: both sessions share them
      for (Map.Entry<String, TensorData> e : graph.weights().entrySet()) {
        so.addInitializer(e.getKey(), initializer(e.getValue()));
      }
      return env.createSession(graph.model().toByteArray(), so);
    } catch (OrtException e) {
      throw new ModelFormatException("ONNX Runtime cannot load the model: " + e.getMessage(), e);
    }
  }

  /**
   * One weight as an ORT tensor over a direct buffer, which ORT uses without copying; made once per
   * engine and closed with it (a session reads it for as long as it lives).
   */
  private OnnxTensor initializer(TensorData t) throws OrtException {
    OnnxTensor have = initializers.get(t.name());
    if (have != null) {
      return have;
    }
    FloatBuffer b =
        ByteBuffer.allocateDirect(Math.multiplyExact(t.values().length, 4))
            .order(ByteOrder.nativeOrder())
            .asFloatBuffer();
    b.put(t.values()).rewind();
    OnnxTensor tensor = OnnxTensor.createTensor(env, b, t.shape());
    initializers.put(t.name(), tensor);
    return tensor;
  }

  @Override
  protected Map<Output, float[]> run(PackedBatch b, float[] mask, Set<Output> fetch) {
    lifecycle.readLock().lock();
    try {
      if (closed) {
        throw new IllegalStateException("the ONNX Runtime engine is closed");
      }
      return run(session(fetch.contains(Output.HIDDEN)), b, mask, fetch);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /**
   * A session of the same graph with ORT's profiler on runs the batch twice (the first run of a
   * shape pays allocation); the kernel times of the second run are summed by op type. Fused nodes
   * count under ORT's fused op (e.g. BiasGelu, FusedMatMul).
   */
  @Override
  public Map<String, Long> profile(PackedBatch batch, Set<Output> fetch) {
    float[] mask = batch.attentionMask();
    Path dir = null;
    try {
      dir = Files.createTempDirectory("packbert-ort-profile");
      String file;
      try (OrtSession s = createSession(fetch.contains(Output.HIDDEN), dir.resolve("ort"))) {
        run(s, batch, mask, fetch);
        run(s, batch, mask, fetch);
        file = s.endProfiling();
      }
      return OrtProfile.lastRunByOpType(Path.of(file));
    } catch (IOException | OrtException e) {
      throw new IllegalStateException("ONNX Runtime profile: " + e.getMessage(), e);
    } finally {
      deleteQuietly(dir);
    }
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (java.util.stream.Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // a profile left in the temp directory costs only its disk space
    }
  }

  private Map<Output, float[]> run(
      OrtSession session, PackedBatch b, float[] mask, Set<Output> fetch) {
    long[] tokens = {b.rows, b.length};
    int[] cls = b.clsIndex();
    try (OnnxTensor ids = ints(b.inputIds, tokens);
        OnnxTensor types = ints(b.tokenTypeIds, tokens);
        OnnxTensor positions = ints(b.positionIds, tokens);
        OnnxTensor clsIndex = ints(cls, new long[] {cls.length});
        OnnxTensor attention =
            OnnxTensor.createTensor(
                env, FloatBuffer.wrap(mask), new long[] {b.rows, b.length, b.length})) {
      Map<String, OnnxTensor> feeds = new HashMap<>();
      feeds.put(BertSignature.INPUT_IDS, ids);
      feeds.put(BertSignature.TOKEN_TYPE_IDS, types);
      feeds.put(BertSignature.POSITION_IDS, positions);
      feeds.put(BertSignature.ATTENTION_MASK, attention);
      feeds.put(BertSignature.CLS_INDEX, clsIndex);
      Set<String> names = new LinkedHashSet<>();
      fetch.forEach(o -> names.add(o.tensor()));
      try (OrtSession.Result r = session.run(feeds, names)) {
        Map<Output, float[]> out = new EnumMap<>(Output.class);
        for (Output o : fetch) {
          OnnxValue v =
              r.get(o.tensor())
                  .orElseThrow(() -> new IllegalStateException("no output " + o.tensor()));
          FloatBuffer fb = ((OnnxTensor) v).getFloatBuffer();
          float[] a = new float[fb.remaining()];
          fb.get(a);
          out.put(o, a);
        }
        return out;
      }
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime: " + e.getMessage(), e);
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
        for (OrtSession s : sessions.values()) {
          s.close();
        }
        initializers.values().forEach(OnnxTensor::close);
      }
    } catch (OrtException e) {
      throw new IllegalStateException("closing the ONNX Runtime session: " + e.getMessage(), e);
    } finally {
      lifecycle.writeLock().unlock();
    }
  }
}
