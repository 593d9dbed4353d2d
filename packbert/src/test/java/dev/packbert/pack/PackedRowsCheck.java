package dev.packbert.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.packbert.mask.BlockDiagonalMask;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Invariants every packed output must satisfy, written independently of the code under test. */
final class PackedRowsCheck {
  private PackedRowsCheck() {}

  /** One original sentence: its tokens before any cutting. */
  // Test data; never compared or hashed.
  @SuppressWarnings("ArrayRecordComponent")
  record Source(String docId, int sentenceIndex, int[] tokens) {}

  /** With {@code narrow}, a row may also be half as wide, when its tokens fit in half. */
  static void check(
      List<Source> sources,
      List<PackedRow> rows,
      int maxLen,
      int perRow,
      OverLength policy,
      int stride,
      boolean documentScope,
      boolean narrow) {
    Map<String, Source> byKey = new HashMap<>();
    for (Source s : sources) {
      byKey.put(s.docId() + "#" + s.sentenceIndex(), s);
    }
    Map<String, List<int[]>> partsSeen = new HashMap<>(); // key -> [part, numParts]
    for (PackedRow row : rows) {
      int width = row.inputIds().length;
      if (narrow && width != maxLen) {
        assertEquals(maxLen / 2, width, "a narrow row is half wide");
      } else {
        assertEquals(maxLen, width);
      }
      assertTrue(row.sentences().size() >= 1 && row.sentences().size() <= perRow, "per row");
      assertTrue(row.numRealTokens() <= maxLen);
      if (documentScope) {
        String doc = row.sentences().get(0).piece().docId();
        for (PackedRow.Placement p : row.sentences()) {
          assertEquals(doc, p.piece().docId(), "document scope mixes docs");
        }
      }
      int at = 0;
      for (int s = 0; s < row.sentences().size(); s++) {
        PackedRow.Placement p = row.sentences().get(s);
        assertEquals(at, p.offset(), "pieces are back to back");
        for (int k = 0; k < p.length(); k++) {
          assertEquals(s + 1, row.segmentIds()[at + k], "segment ids 1..n in order");
          assertEquals(k, row.positionIds()[at + k], "positions restart at 0, consecutive");
          assertEquals(p.piece().tokens()[k], row.inputIds()[at + k]);
        }
        at += p.length();
        String key = p.piece().docId() + "#" + p.piece().sentenceIndex();
        Source src = byKey.get(key);
        assertTrue(src != null, "unknown sentence " + key);
        assertEquals(src.tokens().length, p.piece().numTokens());
        checkPieceAgainstSource(src.tokens(), p.piece(), maxLen, policy, stride);
        partsSeen
            .computeIfAbsent(key, x -> new ArrayList<>())
            .add(new int[] {p.piece().part(), p.piece().numParts()});
      }
      assertEquals(at, row.numRealTokens());
      for (int k = at; k < width; k++) {
        assertEquals(0, row.inputIds()[k]);
        assertEquals(0, row.segmentIds()[k]);
        assertEquals(0, row.positionIds()[k]);
      }
      for (int t : row.tokenTypeIds()) {
        assertEquals(0, t);
      }
      checkMask(row);
    }
    assertEquals(byKey.keySet(), partsSeen.keySet(), "every sentence appears");
    for (Map.Entry<String, List<int[]>> e : partsSeen.entrySet()) {
      List<int[]> parts = e.getValue();
      parts.sort(Comparator.comparingInt(a -> a[0]));
      int n = parts.get(0)[1];
      assertEquals(n, parts.size(), "each part exactly once: " + e.getKey());
      for (int i = 0; i < n; i++) {
        assertEquals(i, parts.get(i)[0]);
        assertEquals(n, parts.get(i)[1]);
      }
    }
  }

  private static void checkPieceAgainstSource(
      int[] src, SentencePiece piece, int maxLen, OverLength policy, int stride) {
    int[] t = piece.tokens();
    if (src.length <= maxLen) {
      assertEquals(1, piece.numParts());
      assertTrue(!piece.truncated());
      assertTrue(java.util.Arrays.equals(src, t), "fitting sentence unchanged");
    } else if (policy == OverLength.TRUNCATE) {
      assertTrue(piece.truncated());
      assertEquals(maxLen, t.length);
      for (int k = 0; k < maxLen - 1; k++) {
        assertEquals(src[k], t[k]);
      }
      assertEquals(src[src.length - 1], t[maxLen - 1]);
    } else {
      int start = 1 + piece.part() * (maxLen - 2 - stride);
      assertEquals(src[0], t[0]);
      assertEquals(src[src.length - 1], t[t.length - 1]);
      for (int k = 1; k < t.length - 1; k++) {
        assertEquals(src[start + k - 1], t[k], "split slice");
      }
    }
  }

  /** Mask from the provenance blocks, compared with BlockDiagonalMask. */
  static void checkMask(PackedRow row) {
    int n = row.segmentIds().length;
    int[] owner = new int[n];
    java.util.Arrays.fill(owner, -1);
    for (int s = 0; s < row.sentences().size(); s++) {
      PackedRow.Placement p = row.sentences().get(s);
      for (int k = p.offset(); k < p.offset() + p.length(); k++) {
        owner[k] = s;
      }
    }
    byte[][] m = BlockDiagonalMask.of(row.segmentIds());
    byte[] flat = BlockDiagonalMask.flat(row.segmentIds());
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        int expected = owner[i] >= 0 && owner[i] == owner[j] ? 1 : 0;
        assertEquals(expected, m[i][j]);
        assertEquals(expected, flat[i * n + j]);
      }
    }
  }
}
