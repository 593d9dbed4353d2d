package dev.packbert.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;

/**
 * How close a candidate's sentence vectors are to a reference's for the same sentences, as a user
 * of the vectors would notice: per-sentence cosine (min, mean); the Spearman correlation of
 * pairwise cosine similarities (all pairs when there are at most {@link #PAIRS}, else that many
 * pairs drawn with a fixed seed); and recall@{@link #K}: the share of each sentence's K nearest
 * reference neighbours (cosine, itself excluded) that are among its K nearest candidate neighbours,
 * averaged over the sentences. Every number is 1.0 for identical vectors; all are invariant to the
 * vectors' lengths, so normalized and unnormalized vectors compare alike.
 *
 * @param sentences sentences compared
 * @param minCosine the lowest per-sentence cosine between reference and candidate
 * @param meanCosine the mean per-sentence cosine
 * @param spearman Spearman's ρ of the pairs' reference vs candidate similarities
 * @param pairs the pairs behind it
 * @param recallAtK mean recall@K of the reference's nearest neighbours
 */
public record EmbeddingQuality(
    int sentences,
    double minCosine,
    double meanCosine,
    double spearman,
    int pairs,
    double recallAtK) {

  /** Neighbours per sentence for recall. */
  public static final int K = 10;

  /** Pairs sampled for Spearman's ρ. */
  public static final int PAIRS = 40_000;

  /** The pairs' seed: every system is compared on the same pairs. */
  public static final long SEED = 20261205L;

  /** Reference and candidate: one vector per sentence, in the same order. */
  public static EmbeddingQuality of(float[][] reference, float[][] candidate) {
    return of(reference, candidate, K, PAIRS, SEED);
  }

  static EmbeddingQuality of(
      float[][] reference, float[][] candidate, int k, int maxPairs, long seed) {
    int n = reference.length;
    if (candidate.length != n || n < k + 1) {
      throw new IllegalArgumentException(
          "need the same ≥ "
              + (k + 1)
              + " sentences on both sides: "
              + n
              + " vs "
              + candidate.length);
    }
    float[][] r = normalized(reference);
    float[][] c = normalized(candidate);
    double min = Double.POSITIVE_INFINITY;
    double sum = 0;
    for (int i = 0; i < n; i++) {
      double cos = dot(r[i], c[i]);
      min = Math.min(min, cos);
      sum += cos;
    }
    int[][] pairs = pairs(n, maxPairs, seed);
    double[] rs = new double[pairs.length];
    double[] cs = new double[pairs.length];
    for (int p = 0; p < pairs.length; p++) {
      rs[p] = dot(r[pairs[p][0]], r[pairs[p][1]]);
      cs[p] = dot(c[pairs[p][0]], c[pairs[p][1]]);
    }
    double rho = new SpearmansCorrelation().correlation(rs, cs);
    double recall = 0;
    double[] simR = new double[n];
    double[] simC = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        simR[j] = dot(r[i], r[j]);
        simC[j] = dot(c[i], c[j]);
      }
      int[] nr = nearest(simR, i, k);
      int[] nc = nearest(simC, i, k);
      Arrays.sort(nc);
      int hit = 0;
      for (int j : nr) {
        hit += Arrays.binarySearch(nc, j) >= 0 ? 1 : 0;
      }
      recall += (double) hit / k;
    }
    return new EmbeddingQuality(n, min, sum / n, rho, pairs.length, recall / n);
  }

  /**
   * The {@code k} indices of the highest similarities, {@code self} excluded; ties go to the lower
   * index.
   */
  static int[] nearest(double[] sim, int self, int k) {
    int[] best = new int[k];
    int filled = 0;
    for (int j = 0; j < sim.length; j++) {
      if (j == self) {
        continue;
      }
      if (filled < k) {
        best[filled++] = j;
        // keep best sorted by (sim desc, index asc): insertion
        for (int a = filled - 1; a > 0 && better(sim, best[a], best[a - 1]); a--) {
          int t = best[a];
          best[a] = best[a - 1];
          best[a - 1] = t;
        }
      } else if (better(sim, j, best[k - 1])) {
        best[k - 1] = j;
        for (int a = k - 1; a > 0 && better(sim, best[a], best[a - 1]); a--) {
          int t = best[a];
          best[a] = best[a - 1];
          best[a - 1] = t;
        }
      }
    }
    return best;
  }

  private static boolean better(double[] sim, int a, int b) {
    return sim[a] > sim[b] || (sim[a] == sim[b] && a < b);
  }

  /** All pairs i < j when there are at most {@code max}, else {@code max} distinct-index pairs. */
  static int[][] pairs(int n, int max, long seed) {
    long all = (long) n * (n - 1) / 2;
    if (all <= max) {
      int[][] out = new int[(int) all][];
      int p = 0;
      for (int i = 0; i < n; i++) {
        for (int j = i + 1; j < n; j++) {
          out[p++] = new int[] {i, j};
        }
      }
      return out;
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    int[][] out = new int[max][];
    for (int p = 0; p < max; p++) {
      int i = rnd.nextInt(n);
      int j = rnd.nextInt(n - 1);
      out[p] = new int[] {i, j >= i ? j + 1 : j};
    }
    return out;
  }

  private static float[][] normalized(float[][] v) {
    float[][] out = new float[v.length][];
    for (int i = 0; i < v.length; i++) {
      double sq = 0;
      for (float x : v[i]) {
        sq += (double) x * x;
      }
      double inv = 1 / Math.sqrt(sq);
      out[i] = new float[v[i].length];
      for (int d = 0; d < v[i].length; d++) {
        out[i][d] = (float) (v[i][d] * inv);
      }
    }
    return out;
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int d = 0; d < a.length; d++) {
      s += (double) a[d] * b[d];
    }
    return s;
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("sentences", sentences);
    m.put("cosine_min", minCosine);
    m.put("cosine_mean", meanCosine);
    m.put("spearman", spearman);
    m.put("spearman_pairs", pairs);
    m.put("recall_at_" + K, recallAtK);
    return m;
  }
}
