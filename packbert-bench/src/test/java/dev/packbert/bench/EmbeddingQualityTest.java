package dev.packbert.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The quality metrics on inputs whose answers are known by construction. */
class EmbeddingQualityTest {

  @Test
  void identicalVectorsScoreOneEverywhereEvenScaled() {
    float[][] ref = random(60, 16, 1);
    float[][] scaled = new float[ref.length][];
    for (int i = 0; i < ref.length; i++) {
      scaled[i] = ref[i].clone();
      for (int d = 0; d < 16; d++) {
        scaled[i][d] *= 3.5f; // lengths do not matter: every number is cosine-based
      }
    }
    EmbeddingQuality q = EmbeddingQuality.of(ref, scaled);
    assertEquals(1.0, q.minCosine(), 1e-6);
    assertEquals(1.0, q.meanCosine(), 1e-6);
    assertEquals(1.0, q.spearman(), 1e-12);
    assertEquals(1.0, q.recallAtK(), 0);
    assertEquals(60 * 59 / 2, q.pairs(), "60 sentences: all 1,770 pairs");
  }

  /**
   * Four far-apart clusters of 11 points: each point's 10 nearest are exactly its cluster mates.
   * The candidate is the reference shifted by one row (candidate[i] = reference[i + 1]): a point
   * whose successor is in its own cluster keeps 9 of its 10 neighbours, the last point of each
   * cluster keeps none, so recall@10 = (10 · 0.9 + 0) / 11 = 9/11, and that last point's cosine is
   * about 0 (its vector now lies in the next cluster).
   */
  @Test
  void rowShiftAcrossClustersGivesNineElevenths() {
    int clusters = 4;
    int per = 11;
    float[][] ref = new float[clusters * per][];
    Random r = new Random(7);
    for (int c = 0; c < clusters; c++) {
      for (int k = 0; k < per; k++) {
        float[] v = new float[clusters + 8];
        v[c] = 1;
        for (int d = clusters; d < v.length; d++) {
          v[d] = 0.01f * (float) r.nextGaussian();
        }
        ref[c * per + k] = v;
      }
    }
    float[][] cand = new float[ref.length][];
    for (int i = 0; i < ref.length; i++) {
      cand[i] = ref[(i + 1) % ref.length];
    }
    EmbeddingQuality q = EmbeddingQuality.of(ref, cand);
    assertEquals(9.0 / 11, q.recallAtK(), 1e-12);
    assertTrue(Math.abs(q.minCosine()) < 0.01, "min cosine " + q.minCosine());
    assertTrue(q.spearman() < 0.9, "shuffled similarities: " + q.spearman());
  }

  /**
   * Unit vectors at angles θ in [0°, 45°] (random, so no ties), and the candidate at 2θ: every
   * pairwise similarity cos(2Δ) is a monotone function of the reference's cos(Δ), so ρ = 1 and
   * every neighbour list stays the same, while sentence i's own cosine is cos θ_i, down to cos 45°.
   */
  @Test
  void monotoneDistortionKeepsRanksButNotCosines() {
    int n = 50;
    double[] theta = new double[n];
    Random r = new Random(3);
    theta[0] = Math.toRadians(45);
    for (int i = 1; i < n; i++) {
      theta[i] = Math.toRadians(45) * r.nextDouble();
    }
    float[][] ref = new float[n][];
    float[][] cand = new float[n][];
    double sumCos = 0;
    for (int i = 0; i < n; i++) {
      ref[i] = new float[] {(float) Math.cos(theta[i]), (float) Math.sin(theta[i])};
      cand[i] = new float[] {(float) Math.cos(2 * theta[i]), (float) Math.sin(2 * theta[i])};
      sumCos += Math.cos(theta[i]);
    }
    EmbeddingQuality q = EmbeddingQuality.of(ref, cand);
    assertEquals(1.0, q.spearman(), 1e-9);
    assertEquals(1.0, q.recallAtK(), 0);
    assertEquals(Math.cos(Math.toRadians(45)), q.minCosine(), 1e-6);
    assertEquals(sumCos / n, q.meanCosine(), 1e-6);
  }

  @Test
  void nearestExcludesSelfAndBreaksTiesByIndex() {
    double[] sim = {1.0, 0.5, 0.9, 0.5, 0.2, 0.9};
    assertArrayEquals(new int[] {2, 5, 1}, EmbeddingQuality.nearest(sim, 0, 3));
    assertArrayEquals(new int[] {0, 5, 1}, EmbeddingQuality.nearest(sim, 2, 3));
  }

  @Test
  void sampledPairsAreDistinctIndicesAndRepeatable() {
    int[][] a = EmbeddingQuality.pairs(2000, 40_000, EmbeddingQuality.SEED);
    int[][] b = EmbeddingQuality.pairs(2000, 40_000, EmbeddingQuality.SEED);
    assertEquals(40_000, a.length);
    Set<Integer> seen = new HashSet<>();
    for (int p = 0; p < a.length; p++) {
      assertTrue(a[p][0] != a[p][1]);
      assertArrayEquals(a[p], b[p]);
      seen.add(a[p][0]);
    }
    assertTrue(seen.size() > 1900, "pairs spread over the sentences: " + seen.size());
  }

  @Test
  void refusesMismatchedOrTooFewSentences() {
    assertThrows(
        IllegalArgumentException.class,
        () -> EmbeddingQuality.of(random(20, 4, 1), random(19, 4, 2)));
    assertThrows(
        IllegalArgumentException.class,
        () -> EmbeddingQuality.of(random(10, 4, 1), random(10, 4, 2)));
  }

  private static float[][] random(int n, int d, long seed) {
    Random r = new Random(seed);
    float[][] v = new float[n][d];
    for (float[] row : v) {
      for (int k = 0; k < d; k++) {
        row[k] = (float) r.nextGaussian();
      }
    }
    return v;
  }
}
