package dev.packbert.model;

import java.util.Locale;

/** Arithmetic precision of the encoder's matrix work. */
public enum Precision {
  FP32,
  /** oneDNN's auto mixed precision rewrite: bf16 matmuls on AMX/AVX512-BF16, fp32 accumulation. */
  BF16,
  /**
   * ONNX Runtime only: the encoder's dense layers as u8×s8 integer GEMMs, each token's activations
   * quantized with its own scale (so a vector does not depend on its row-mates) and the weights per
   * output channel at load time, no calibration; attention, softmax, LayerNorm, GELU and the
   * embeddings stay fp32.
   */
  INT8;

  public static Precision parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown precision '" + s + "' (choose fp32, bf16 or int8)");
    }
  }

  /** Fails with one line when {@code engine} cannot run this precision. */
  public void requireEngine(EngineKind engine) {
    if (this == BF16 && engine != EngineKind.TENSORFLOW) {
      throw new IllegalArgumentException("precision bf16 needs engine tensorflow");
    }
    if (this == INT8 && engine != EngineKind.ONNXRUNTIME) {
      throw new IllegalArgumentException("precision int8 needs engine onnxruntime");
    }
  }

  /** {@code preferred} where it runs this precision, else the one engine that does. */
  public EngineKind engine(EngineKind preferred) {
    return switch (this) {
      case BF16 -> EngineKind.TENSORFLOW;
      case INT8 -> EngineKind.ONNXRUNTIME;
      default -> preferred;
    };
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
