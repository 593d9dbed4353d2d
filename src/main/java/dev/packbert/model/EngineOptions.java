package dev.packbert.model;

/**
 * Session settings. Threads come from the caller (a Spark task's cores), never from the machine's
 * core count, so several executors on one host do not oversubscribe it.
 */
public record EngineOptions(
    int intraOpThreads, int interOpThreads, Precision precision, boolean useGpu) {
  // useGpu: allow placement on a GPU when the TF native build sees one; false hides all GPUs.

  public EngineOptions {
    if (intraOpThreads < 0 || interOpThreads < 0) {
      throw new IllegalArgumentException("thread counts must be ≥ 0 (0 = TensorFlow's default)");
    }
  }

  public static EngineOptions cpu(int threads) {
    return new EngineOptions(threads, 1, Precision.FP32, false);
  }

  public EngineOptions withPrecision(Precision p) {
    return new EngineOptions(intraOpThreads, interOpThreads, p, useGpu);
  }
}
