package dev.packbert.bench;

import java.util.function.IntPredicate;

/** Differences between two row-major [n, hidden] vector tables over their first {@code count} rows. */
public record VectorCompare(double maxAbsDiff, double meanCosine, double minCosine, int compared, int minCosineRow) {

  public static VectorCompare of(float[] a, float[] b, int hidden, int count) {
    return of(a, b, hidden, count, s -> true);
  }

  /** Only the rows among the first {@code count} that {@code rows} accepts (a sampled variant's). */
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
      double dot = 0, na = 0, nb = 0;
      for (int k = 0; k < hidden; k++) {
        float x = a[s * hidden + k];
        float y = b[s * hidden + k];
        maxAbs = Math.max(maxAbs, Math.abs(x - y));
        dot += (double) x * y;
        na += (double) x * x;
        nb += (double) y * y;
      }
      double cos = dot / Math.sqrt(na * nb);
      sumCos += cos;
      if (minRow < 0 || cos < minCos) {
        minCos = cos;
        minRow = s;
      }
    }
    return new VectorCompare(maxAbs, compared == 0 ? Double.NaN : sumCos / compared,
        compared == 0 ? Double.NaN : minCos, compared, minRow);
  }
}
