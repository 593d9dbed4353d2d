package dev.packbert.model;

import java.util.Locale;

/** Which runtime executes the BERT graph; both take the same packed rows and give equal vectors. */
public enum EngineKind {
  /** TensorFlow Java: the default, and the one with GPU and bf16 support. */
  TENSORFLOW,
  /** ONNX Runtime on the CPU, on an ONNX graph PackBERT writes. */
  ONNXRUNTIME;

  public static EngineKind parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown engine '" + s + "' (choose tensorflow or onnxruntime)");
    }
  }

  /**
   * Fails with one line when the engine's runtime is not on the classpath (the cluster jar carries
   * both runtimes, but a user's own assembly may not): a driver refuses before any task fails.
   */
  public EngineKind requireAvailable() {
    if (this == ONNXRUNTIME) {
      try {
        Class.forName("ai.onnxruntime.OrtEnvironment", false, EngineKind.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalArgumentException(
            "engine onnxruntime needs com.microsoft.onnxruntime:onnxruntime:1.19.2 on the classpath"
                + " (spark-submit: pass its jar with --jars)");
      }
    }
    return this;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
