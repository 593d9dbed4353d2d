package dev.packbert.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OverLengthTest {
  private static final int CLS = 101;
  private static final int SEP = 102;

  /** [CLS] 1 2 ... n [SEP] */
  static int[] sentence(int inner) {
    int[] t = new int[inner + 2];
    t[0] = CLS;
    for (int i = 1; i <= inner; i++) {
      t[i] = i;
    }
    t[inner + 1] = SEP;
    return t;
  }

  @Test
  void truncateKeepsHeadAndSep() {
    SentencePiece s = SentencePiece.whole("d", 3, 10, 20, "x", sentence(10)); // 12 tokens
    List<SentencePiece> out = OverLength.TRUNCATE.apply(s, 8, 0);
    assertEquals(1, out.size());
    assertArrayEquals(new int[] {CLS, 1, 2, 3, 4, 5, 6, SEP}, out.get(0).tokens());
    assertTrue(out.get(0).truncated());
    assertEquals(12, out.get(0).numTokens());
    assertEquals(0, out.get(0).part());
    assertEquals(1, out.get(0).numParts());
  }

  @Test
  void fittingSentenceIsUntouched() {
    SentencePiece s = SentencePiece.whole("d", 0, 0, 1, "x", sentence(6));
    assertEquals(List.of(s), OverLength.TRUNCATE.apply(s, 8, 0));
    assertEquals(List.of(s), OverLength.SPLIT.apply(s, 8, 2));
  }

  /*
   * 12 inner tokens, maxLen 8 -> 6 inner per window, stride 2 -> step 4:
   * [1..6], [5..10], [9..12]  (the last one stops at the end).
   */
  @Test
  void splitHandCase() {
    SentencePiece s = SentencePiece.whole("d", 1, 0, 5, "x", sentence(12));
    List<SentencePiece> out = OverLength.SPLIT.apply(s, 8, 2);
    assertEquals(3, out.size());
    assertArrayEquals(new int[] {CLS, 1, 2, 3, 4, 5, 6, SEP}, out.get(0).tokens());
    assertArrayEquals(new int[] {CLS, 5, 6, 7, 8, 9, 10, SEP}, out.get(1).tokens());
    assertArrayEquals(new int[] {CLS, 9, 10, 11, 12, SEP}, out.get(2).tokens());
    for (int p = 0; p < 3; p++) {
      assertEquals(p, out.get(p).part());
      assertEquals(3, out.get(p).numParts());
      assertEquals(14, out.get(p).numTokens());
      assertFalse(out.get(p).truncated());
    }
  }

  @Test
  void splitPropertiesRandom() {
    Random r = new Random(42);
    for (int trial = 0; trial < 2000; trial++) {
      int maxLen = 3 + r.nextInt(60);
      int stride = r.nextInt(maxLen - 2);
      int inner = r.nextInt(400);
      int[] t = sentence(inner);
      List<SentencePiece> out =
          OverLength.SPLIT.apply(SentencePiece.whole("d", 0, 0, 0, "", t), maxLen, stride);
      if (t.length <= maxLen) {
        assertEquals(1, out.size());
        continue;
      }
      int expectedStart = 1;
      for (int p = 0; p < out.size(); p++) {
        int[] piece = out.get(p).tokens();
        assertTrue(piece.length <= maxLen && piece.length >= 3);
        assertEquals(CLS, piece[0]);
        assertEquals(SEP, piece[piece.length - 1]);
        assertEquals(expectedStart, piece[1], "slice start");
        for (int k = 2; k < piece.length - 1; k++) {
          assertEquals(piece[k - 1] + 1, piece[k]);
        }
        if (p + 1 < out.size()) {
          assertEquals(maxLen, piece.length, "only the last piece may be short");
          int[] next = out.get(p + 1).tokens();
          int overlap = piece[piece.length - 2] - next[1] + 1;
          assertEquals(stride, overlap, "overlap");
        } else {
          assertEquals(inner, piece[piece.length - 2], "last piece ends at the last inner token");
        }
        expectedStart = piece[1] + (maxLen - 2 - stride);
      }
    }
  }

  @Test
  void badSplitSettingsAreRejected() {
    SentencePiece s = SentencePiece.whole("d", 0, 0, 0, "", sentence(20));
    assertThrows(IllegalArgumentException.class, () -> OverLength.SPLIT.apply(s, 8, 6));
    assertThrows(IllegalArgumentException.class, () -> OverLength.SPLIT.apply(s, 2, 0));
  }
}
