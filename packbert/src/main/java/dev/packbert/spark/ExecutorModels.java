package dev.packbert.spark;

import dev.packbert.engine.Engines;
import dev.packbert.model.EmbeddingEngine;
import dev.packbert.model.EngineOptions;
import dev.packbert.weights.ResolvedModel;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loaded engine per executor JVM and (model, options): created lazily by the first task that
 * needs it, under a lock so concurrent tasks wait instead of loading their own copy, and shared by
 * every later task. The native session is never serialized or broadcast.
 */
public final class ExecutorModels {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorModels.class);
  private static final ConcurrentHashMap<String, EmbeddingEngine> ENGINES =
      new ConcurrentHashMap<>();
  private static final AtomicInteger LOADS = new AtomicInteger();

  private ExecutorModels() {}

  public static EmbeddingEngine get(ResolvedModel model, EngineOptions options) {
    String key = model.source() + "|" + options;
    return ENGINES.computeIfAbsent(
        key,
        k -> {
          long t0 = System.nanoTime();
          EmbeddingEngine e = Engines.open(model.loadWeights(), options);
          LOADS.incrementAndGet();
          LOG.info(
              "loaded model {} ({}) in {} ms",
              model,
              options,
              (System.nanoTime() - t0) / 1_000_000);
          // closed at JVM exit by the engines' own shutdown hook, after the batch in flight
          return e;
        });
  }

  /** How many engines this JVM has loaded: the test that proves "once per executor" reads it. */
  public static int loads() {
    return LOADS.get();
  }
}
