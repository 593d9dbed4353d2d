package dev.packbert.bench;

import java.util.function.IntPredicate;

/**
 * Differences between two row-major [n, hidden] vector tables over their first {@code count} rows.
 */
public record VectorCompare(
    double maxAbsDiff, double meanCosine, double minCosine, int compared, int minCosineRow) {

  public static VectorCompare of(float[] a, float[] b, int hidden, int count) {
    return of(a, b, hidden, count, s -> true);
  }

  /**
   * Only the rows among the first {@code count} that {@code rows} accepts (a sampled variant's).
   */
  public static VectorCompare of(float[] a, float[] b, int hidden, int count, IntPredicate rows) {
    double maxAbs = 0;
    double sumCos = 0;
    double minCos = 1;
    int compared = 0;
    int minRow = -1;
    for (int s = 0; s < count; s++) {
      if (!rows.test(s)) {
        continue;
      }
      compared++;
      for (int k = s * hidden; k < (s + 1) * hidden; k++) {
        maxAbs = Math.max(maxAbs, Math.abs(a[k] - b[k]));
      }
      double cos = cosine(a, s, b, s, hidden);
      sumCos += cos;
      if (minRow < 0 || cos < minCos) {
        minCos = cos;
        minRow = s;
      }
    }
    return new VectorCompare(
        maxAbs,
        compared == 0 ? Double.NaN : sumCos / compared,
        compared == 0 ? Double.NaN : minCos,
        compared,
        minRow);
  }

  /** Cosine between row {@code aRow} of table {@code a} and row {@code bRow} of table {@code b}. */
  public static double cosine(float[] a, int aRow, float[] b, int bRow, int hidden) {
    double dot = 0, na = 0, nb = 0;
    for (int k = 0; k < hidden; k++) {
      float x = a[aRow * hidden + k];
      float y = b[bRow * hidden + k];
      dot += (double) x * y;
      na += (double) x * x;
      nb += (double) y * y;
    }
    return dot / Math.sqrt(na * nb);
  }
}
