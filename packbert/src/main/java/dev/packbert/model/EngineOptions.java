package dev.packbert.model;

/**
 * Session settings. Threads come from the caller (a Spark task's cores), never from the machine's
 * core count, so several executors on one host do not oversubscribe it.
 */
public record EngineOptions(
    int intraOpThreads,
    int interOpThreads,
    Precision precision,
    boolean useGpu,
    EngineKind engine) {
  // useGpu: allow placement on a GPU when the TF native build sees one; false hides all GPUs.

  public EngineOptions {
    if (intraOpThreads < 0 || interOpThreads < 0) {
      throw new IllegalArgumentException("thread counts must be ≥ 0 (0 = the runtime's default)");
    }
    if (engine == null) {
      throw new IllegalArgumentException("engine must be given");
    }
  }

  /** TensorFlow, the default engine. */
  public EngineOptions(
      int intraOpThreads, int interOpThreads, Precision precision, boolean useGpu) {
    this(intraOpThreads, interOpThreads, precision, useGpu, EngineKind.TENSORFLOW);
  }

  public static EngineOptions cpu(int threads) {
    return new EngineOptions(threads, 1, Precision.FP32, false);
  }

  public EngineOptions withPrecision(Precision p) {
    return new EngineOptions(intraOpThreads, interOpThreads, p, useGpu, engine);
  }

  public EngineOptions withEngine(EngineKind e) {
    return new EngineOptions(intraOpThreads, interOpThreads, precision, useGpu, e);
  }
}
