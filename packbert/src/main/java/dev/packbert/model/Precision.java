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
}
