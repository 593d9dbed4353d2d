package dev.packbert.model;

import java.util.Locale;

/** Which runtime executes the BERT graph; both take the same packed rows and give equal vectors. */
public enum EngineKind {
  /** TensorFlow Java ({@link BertEngine}): the default, and the one with GPU and bf16 support. */
  TENSORFLOW,
  /** ONNX Runtime on the CPU ({@link OnnxRuntimeEngine}), on an ONNX graph PackBERT writes. */
  ONNXRUNTIME;

  public static EngineKind parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown engine '" + s + "' (choose tensorflow or onnxruntime)");
    }
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
