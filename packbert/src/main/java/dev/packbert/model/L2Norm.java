package dev.packbert.model;

/**
 * L2 normalization as sentence-transformers' Normalize module does it ({@code
 * torch.nn.functional.normalize}: x / max(‖x‖₂, 1e-12)), for every engine's pooled vectors and for
 * the rollups built from them. One place, so both engines and every rollup agree.
 */
public final class L2Norm {
  private static final double EPS = 1e-12;

  private L2Norm() {}

  /** A normalized copy of v. */
  public static float[] normalized(float[] v) {
    float[] out = v.clone();
    normalizeRows(out, 1, v.length);
    return out;
  }

  /** Normalizes, in place, each of the {@code rows} consecutive vectors of length {@code dim}. */
  public static void normalizeRows(float[] rowMajor, int rows, int dim) {
    for (int r = 0; r < rows; r++) {
      int start = r * dim;
      double sq = 0;
      for (int i = start; i < start + dim; i++) {
        sq += (double) rowMajor[i] * rowMajor[i];
      }
      double scale = 1 / Math.max(Math.sqrt(sq), EPS);
      for (int i = start; i < start + dim; i++) {
        rowMajor[i] = (float) (rowMajor[i] * scale);
      }
    }
  }
}
