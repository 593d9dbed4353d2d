package dev.packbert.engine;

import dev.packbert.engine.BertSignature.Output;
import dev.packbert.model.BertConfig;
import dev.packbert.model.BertWeights;
import dev.packbert.model.EmbeddingEngine;
import dev.packbert.model.EngineOptions;
import dev.packbert.model.PackedBatch;
import dev.packbert.model.Pooling;
import dev.packbert.model.SentencePooling;
import dev.packbert.model.SentenceVectors;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * What every engine shares, whatever runs its graph: the model's shape and options, the checks
 * before a run, the one attention mask and the one pooling ({@link PackedBatch#attentionMask},
 * {@link SentencePooling}) around a graph of the same {@link BertSignature}, and closing at JVM
 * exit ({@link OpenEngines}).
 */
public abstract class LoadedEngine implements EmbeddingEngine {
  protected final BertConfig config;
  protected final boolean hasPooler;
  protected final EngineOptions options;

  protected LoadedEngine(BertWeights weights, EngineOptions options) {
    this.config = weights.config();
    this.hasPooler = weights.hasPooler();
    this.options = options;
  }

  /** Runs the graph on one batch and returns the requested outputs, each as a flat array. */
  protected abstract Map<Output, float[]> run(PackedBatch batch, float[] mask, Set<Output> fetch);

  /**
   * Runs {@code batch} once under the engine's own profiler and returns the summed op time (µs) per
   * op type, largest first: where the time goes inside the graph (the benchmark's --profile).
   */
  public abstract Map<String, Long> profile(PackedBatch batch, Set<Output> fetch);

  /** Called by a subclass once its session is up, so the exit hook closes it. */
  protected final void opened() {
    OpenEngines.add(this);
  }

  /** True the first time only: close is idempotent, and the exit hook may race its owner. */
  protected final boolean forget() {
    return OpenEngines.remove(this);
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
    int h = config.hiddenSize();
    Map<Pooling, float[]> vectors = new EnumMap<>(Pooling.class);
    if (batch.sentences() == 0) {
      poolings.forEach(p -> vectors.put(p, new float[0]));
      return new SentenceVectors(0, h, vectors);
    }
    EnumSet<Output> fetch = EnumSet.noneOf(Output.class);
    for (Pooling p : poolings) {
      fetch.add(outputOf(p));
    }
    Map<Output, float[]> out = run(batch, batch.attentionMask(), fetch);
    for (Pooling p : poolings) {
      vectors.put(
          p,
          switch (p) {
            case CLS -> out.get(Output.CLS);
            case POOLER -> out.get(Output.POOLER);
            case MEAN -> SentencePooling.mean(batch, out.get(Output.HIDDEN), h);
            case MAX -> SentencePooling.max(batch, out.get(Output.HIDDEN), h);
          });
    }
    return new SentenceVectors(batch.sentences(), h, vectors);
  }

  @Override
  public final float[] tokenVectors(PackedBatch batch) {
    return run(batch, batch.attentionMask(), EnumSet.of(Output.HIDDEN)).get(Output.HIDDEN);
  }

  private static Output outputOf(Pooling p) {
    return switch (p) {
      case CLS -> Output.CLS;
      case POOLER -> Output.POOLER;
      case MEAN, MAX -> Output.HIDDEN;
    };
  }
}
