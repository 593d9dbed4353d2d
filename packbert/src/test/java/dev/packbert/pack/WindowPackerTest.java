package dev.packbert.pack;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Sentences -> pieces -> windows -> rows, over many shapes of input, all checked by
 * PackedRowsCheck.
 */
class WindowPackerTest {

  static List<PackedRowsCheck.Source> corpus(Random r, int docs, int maxSentences, int maxTokens) {
    List<PackedRowsCheck.Source> out = new ArrayList<>();
    for (int d = 0; d < docs; d++) {
      int n = 1 + r.nextInt(maxSentences);
      for (int s = 0; s < n; s++) {
        int len = r.nextInt(maxTokens + 1);
        int[] t = new int[len];
        for (int k = 0; k < len; k++) {
          t[k] = 1000 + r.nextInt(30000);
        }
        out.add(new PackedRowsCheck.Source("doc-" + d, s, t));
      }
    }
    return out;
  }

  static List<PackedRow> run(
      List<PackedRowsCheck.Source> src,
      PackingAlgorithm a,
      int maxLen,
      int perRow,
      PackingScope scope,
      OverLength policy,
      int stride,
      int window,
      boolean narrow) {
    WindowPacker packer = new WindowPacker(a, maxLen, perRow, scope, narrow);
    List<PackedRow> rows = new ArrayList<>();
    List<SentencePiece> buffer = new ArrayList<>();
    for (int i = 0; i < src.size(); i++) {
      PackedRowsCheck.Source s = src.get(i);
      buffer.addAll(
          policy.apply(
              SentencePiece.whole(s.docId(), s.sentenceIndex(), 0, 0, "", s.tokens()),
              maxLen,
              stride));
      if (buffer.size() >= window || i == src.size() - 1) {
        for (List<SentencePiece> row : packer.pack(buffer)) {
          rows.add(PackedRowBuilder.build(row, packer.rowWidth(row)));
        }
        buffer.clear();
      }
    }
    return rows;
  }

  @Test
  void propertiesAcrossAlgorithmsScopesAndPolicies() {
    Random r = new Random(1234);
    List<List<PackedRowsCheck.Source>> corpora =
        List.of(
            List.of(),
            corpus(r, 40, 30, 40), // mostly fits in 32
            corpus(r, 5, 4, 3), // lengths 0..3
            corpus(r, 1, 3000, 60), // one huge document
            corpus(r, 200, 5, 200)); // many over-length
    for (List<PackedRowsCheck.Source> c : corpora) {
      for (PackingAlgorithm a : PackingAlgorithm.values()) {
        for (PackingScope scope : PackingScope.values()) {
          for (OverLength policy : OverLength.values()) {
            for (int window : new int[] {1, 97, 100_000}) {
              for (boolean narrow : new boolean[] {false, true}) {
                int perRow = window == 97 ? 2 : 64;
                List<PackedRow> rows = run(c, a, 32, perRow, scope, policy, 5, window, narrow);
                PackedRowsCheck.check(
                    c, rows, 32, perRow, policy, 5, scope == PackingScope.DOCUMENT, narrow);
              }
            }
          }
        }
      }
    }
  }
}
