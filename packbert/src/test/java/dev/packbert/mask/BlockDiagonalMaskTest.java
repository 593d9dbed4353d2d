package dev.packbert.mask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BlockDiagonalMaskTest {

  @Test
  void handCase() {
    byte[][] m = BlockDiagonalMask.of(new int[] {1, 1, 2, 0});
    assertArrayEquals(new byte[] {1, 1, 0, 0}, m[0]);
    assertArrayEquals(new byte[] {1, 1, 0, 0}, m[1]);
    assertArrayEquals(new byte[] {0, 0, 1, 0}, m[2]);
    assertArrayEquals(new byte[] {0, 0, 0, 0}, m[3]);
    assertArrayEquals(
        new byte[] {1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0},
        BlockDiagonalMask.flat(new int[] {1, 1, 2, 0}));
    assertEquals(0, BlockDiagonalMask.of(new int[0]).length);
  }

  @Test
  void batchOfRowsAsTheGraphsTakeIt() {
    int[] seg = {1, 1, 2, 0, 3, 3, 0, 0};
    float[] m = BlockDiagonalMask.batch(seg, 2, 4);
    assertEquals(2 * 4 * 4, m.length);
    for (int r = 0; r < 2; r++) {
      for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 4; j++) {
          int si = seg[r * 4 + i];
          float want = si != 0 && si == seg[r * 4 + j] ? 1f : 0f;
          assertEquals(want, m[(r * 4 + i) * 4 + j], "row " + r + " [" + i + "][" + j + "]");
        }
      }
    }
  }

  /** Brute force from the definition via the outer product of one-hot segment indicators. */
  @Test
  void randomSegmentsMatchDefinition() {
    Random r = new Random(99);
    for (int trial = 0; trial < 300; trial++) {
      int n = r.nextInt(70);
      int[] seg = new int[n];
      for (int i = 0; i < n; i++) {
        seg[i] = r.nextInt(5); // also non-contiguous ids: the definition still holds
      }
      byte[][] m = BlockDiagonalMask.of(seg);
      byte[] flat = BlockDiagonalMask.flat(seg);
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          int sum = 0;
          for (int s = 1; s <= 4; s++) {
            sum += (seg[i] == s ? 1 : 0) * (seg[j] == s ? 1 : 0);
          }
          assertEquals(sum, m[i][j]);
          assertEquals(sum, flat[i * n + j]);
        }
      }
    }
  }
}
