package dev.packbert.model;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every engine shares, whatever runs its graph: the model's shape and options, the checks
 * before a run, and closing at JVM exit.
 */
abstract class LoadedEngine implements EmbeddingEngine {
  /**
   * Engines not yet closed. On SIGTERM the JVM runs its shutdown hooks and halts while another
   * thread may be inside a session run; the halt then tears native memory down under the runtime
   * (seen once as a SIGSEGV at exit with TensorFlow). Both runtimes' close waits for the run in
   * flight, so closing every open engine in a hook makes the exit wait for that batch instead.
   */
  private static final Set<LoadedEngine> OPEN = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> OPEN.forEach(LoadedEngine::close), "packbert-close-engines"));
  }

  protected final BertConfig config;
  protected final boolean hasPooler;
  protected final EngineOptions options;

  LoadedEngine(BertWeights weights, EngineOptions options) {
    this.config = weights.config();
    this.hasPooler = weights.hasPooler();
    this.options = options;
  }

  /** Called by a subclass once its session is up, so the exit hook closes it. */
  protected final void opened() {
    OPEN.add(this);
  }

  /** True the first time only: close is idempotent, and the exit hook may race its owner. */
  protected final boolean forget() {
    return OPEN.remove(this);
  }

  @Override
  public final BertConfig config() {
    return config;
  }

  @Override
  public final boolean hasPooler() {
    return hasPooler;
  }

  @Override
  public final EngineOptions options() {
    return options;
  }

  @Override
  public final SentenceVectors embed(PackedBatch batch, Set<Pooling> poolings) {
    if (poolings.contains(Pooling.POOLER) && !hasPooler) {
      throw new IllegalArgumentException(
          "this model has no pooler weights; choose cls or mean pooling");
    }
    if (batch.sentences() == 0) {
      Map<Pooling, float[]> empty = new EnumMap<>(Pooling.class);
      poolings.forEach(p -> empty.put(p, new float[0]));
      return new SentenceVectors(0, config.hiddenSize(), empty);
    }
    return embedSentences(batch, poolings);
  }

  /** {@link #embed} for a batch of at least one sentence, the poolings already checked. */
  protected abstract SentenceVectors embedSentences(PackedBatch batch, Set<Pooling> poolings);
}
