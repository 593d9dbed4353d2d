package dev.packbert.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NarrowRowPackerTest {

  @Test
  void everyItemOnceWideRowsFirstAndOnlyWhereNeeded() {
    Random r = new Random(42);
    for (PackingAlgorithm a : PackingAlgorithm.values()) {
      for (int trial = 0; trial < 50; trial++) {
        int[] lengths = new int[r.nextInt(400)];
        for (int i = 0; i < lengths.length; i++) {
          // mostly short, some over half a row, a few empty
          lengths[i] = r.nextInt(10) == 0 ? 65 + r.nextInt(64) : r.nextInt(64);
        }
        List<int[]> rows = new NarrowRowPacker(a).pack(lengths, 128, 8);
        int[] seen = new int[lengths.length];
        boolean narrowSeen = false;
        for (int[] row : rows) {
          assertTrue(row.length >= 1 && row.length <= 8, "items per row");
          int fill = 0;
          boolean hasLong = false;
          for (int k = 0; k < row.length; k++) {
            seen[row[k]]++;
            fill += Math.max(1, lengths[row[k]]);
            hasLong |= lengths[row[k]] > 64;
            if (k > 0) {
              assertTrue(row[k - 1] < row[k], "ascending");
            }
          }
          assertTrue(fill <= 128, "fits");
          int width = NarrowRowPacker.width(fill, 128);
          if (width == 128) {
            assertTrue(hasLong, "a full-width row holds a sentence over half a row");
            assertFalse(narrowSeen, "full-width rows come before narrow ones");
          } else {
            assertEquals(64, width);
            narrowSeen = true;
          }
        }
        for (int i = 0; i < lengths.length; i++) {
          assertEquals(1, seen[i], "item " + i + " placed once");
        }
      }
    }
  }

  @Test
  void shortRowsAreNotSplitFurther() {
    // at maxLen 24 half a row would be 12 tokens: below MIN_HALF_WIDTH, so one width only
    int[] lengths = {3, 4, 5, 6};
    assertEquals(
        rows(PackingAlgorithm.LPFHP.pack(lengths, 24, 64)),
        rows(new NarrowRowPacker(PackingAlgorithm.LPFHP).pack(lengths, 24, 64)),
        "same rows as without narrowing");
    assertEquals(24, NarrowRowPacker.width(5, 24));
    assertEquals(32, NarrowRowPacker.width(32, 64));
    assertEquals(64, NarrowRowPacker.width(33, 64));
  }

  private static List<String> rows(List<int[]> rows) {
    return rows.stream().map(java.util.Arrays::toString).toList();
  }
}
