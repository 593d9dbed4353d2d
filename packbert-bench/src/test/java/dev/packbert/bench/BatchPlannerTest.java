package dev.packbert.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.packbert.model.PackedBatch;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BatchPlannerTest {
  private static int[][] sentences(int n, long seed) {
    Random r = new Random(seed);
    int[][] t = new int[n][];
    for (int i = 0; i < n; i++) {
      t[i] = new int[2 + r.nextInt(127)];
      for (int k = 0; k < t[i].length; k++) {
        t[i][k] = 1000 * i + k + 1; // unique, non-zero: lets the test find each token again
      }
    }
    return t;
  }

  @Test
  void everyVariantPlacesEverySentenceOnceWithItsOwnTokensAndPositions() {
    int[][] t = sentences(150, 7);
    for (Variant v : Variant.all()) {
      int[] seen = new int[t.length];
      long real = 0;
      for (PlannedBatch pb : BatchPlanner.plan(v, t)) {
        PackedBatch b = pb.batch();
        if (v.kind() == Variant.Kind.FIXED) {
          assertEquals(128, b.length);
        }
        assertTrue(b.rows * b.length <= Math.max(Variant.TOKEN_BUDGET, 32 * 128), v.name());
        for (int s = 0; s < b.sentences(); s++) {
          int idx = pb.inputIndex()[s];
          seen[idx]++;
          int base = b.sentenceRow[s] * b.length + b.sentenceOffset[s];
          assertArrayEquals(
              t[idx], Arrays.copyOfRange(b.inputIds, base, base + b.sentenceLength[s]), v.name());
          for (int k = 0; k < b.sentenceLength[s]; k++) {
            assertEquals(k, b.positionIds[base + k]);
          }
        }
        real += pb.realTokens();
      }
      int[] once = new int[t.length];
      Arrays.fill(once, 1);
      assertArrayEquals(once, seen, v.name());
      assertEquals(Arrays.stream(t).mapToLong(a -> a.length).sum(), real, v.name());
    }
  }

  @Test
  void sortedVariantBatchesByLengthAndInputOrderDoesNot() {
    int[][] t = sentences(64, 3);
    Variant sorted = Variant.select("dynamic-sorted-32").get(0);
    List<PlannedBatch> plan = BatchPlanner.plan(sorted, t);
    int prev = 0;
    for (PlannedBatch pb : plan) {
      for (int len : pb.batch().sentenceLength) {
        assertTrue(len >= prev);
        prev = len;
      }
    }
    Variant input = Variant.select("dynamic-input-order-8").get(0);
    int next = 0;
    for (PlannedBatch pb : BatchPlanner.plan(input, t)) {
      for (int idx : pb.inputIndex()) {
        assertEquals(next++, idx);
      }
    }
  }

  @Test
  void externalMaskIsBlockDiagonalOverTheRowsSegments() {
    int[][] t = {{1, 2, 3}, {4, 5}, {6, 7, 8, 9}};
    Variant packed = Variant.select("packed-spfhp-128").get(0);
    PackedBatch b = BatchPlanner.withExternalMask(BatchPlanner.plan(packed, t).get(0).batch());
    int l = b.length;
    for (int i = 0; i < l; i++) {
      for (int j = 0; j < l; j++) {
        int si = b.segmentIds[i];
        float want = si != 0 && si == b.segmentIds[j] ? 1f : 0f;
        assertEquals(want, b.mask[i * l + j]);
      }
    }
  }

  @Test
  void flopModelMatchesBertBaseByHand() {
    FlopModel f =
        new FlopModel(
            new dev.packbert.model.BertConfig(30522, 768, 12, 12, 3072, 512, 2, 1e-12f, "gelu"));
    // 12 · (8·768² + 4·768·3072) = 169,869,312 FLOPs per token; attention 12·4·768·n² for the
    // sentence
    assertEquals(169_869_312.0, f.denseFlopsPerToken());
    assertEquals(10 * 169_869_312.0 + 12 * 4 * 768 * 100.0, f.sentenceFlops(10));
  }
}
