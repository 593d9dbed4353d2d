package dev.packbert.model;

import java.util.Locale;

/** Arithmetic precision of the encoder's matrix work. */
public enum Precision {
  FP32,
  /** oneDNN's auto mixed precision rewrite: bf16 matmuls on AMX/AVX512-BF16, fp32 accumulation. */
  BF16;

  public static Precision parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown precision '" + s + "' (choose fp32 or bf16)");
    }
  }

  /** Fails with one line when {@code engine} cannot run this precision. */
  public void requireEngine(EngineKind engine) {
    if (this == BF16 && engine != EngineKind.TENSORFLOW) {
      throw new IllegalArgumentException("precision bf16 needs engine tensorflow");
    }
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
