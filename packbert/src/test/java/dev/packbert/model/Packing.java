package dev.packbert.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Greedy first-fit packing written out by hand, so engine tests do not depend on the packer under
 * test.
 */
public final class Packing {
  private Packing() {}

  public static PackedBatch greedy(List<int[]> sentences, int length) {
    return greedy(sentences, length, true);
  }

  public static PackedBatch greedy(List<int[]> sentences, int length, boolean restartPositions) {
    final int L = length;
    List<List<Integer>> rows = new ArrayList<>();
    List<Integer> used = new ArrayList<>();
    for (int s = 0; s < sentences.size(); s++) {
      int n = sentences.get(s).length;
      int row = -1;
      for (int r = 0; r < rows.size(); r++) {
        if (used.get(r) + n <= L) {
          row = r;
          break;
        }
      }
      if (row < 0) {
        rows.add(new ArrayList<>());
        used.add(0);
        row = rows.size() - 1;
      }
      rows.get(row).add(s);
      used.set(row, used.get(row) + n);
    }
    int b = rows.size();
    int[] ids = new int[b * L];
    int[] pos = new int[b * L];
    int[] seg = new int[b * L];
    int[] sRow = new int[sentences.size()];
    int[] sOff = new int[sentences.size()];
    int[] sLen = new int[sentences.size()];
    for (int r = 0; r < b; r++) {
      int off = 0;
      int segment = 1;
      for (int s : rows.get(r)) {
        int[] t = sentences.get(s);
        for (int k = 0; k < t.length; k++) {
          ids[r * L + off + k] = t[k];
          pos[r * L + off + k] = restartPositions ? k : off + k;
          seg[r * L + off + k] = segment;
        }
        sRow[s] = r;
        sOff[s] = off;
        sLen[s] = t.length;
        off += t.length;
        segment++;
      }
    }
    return new PackedBatch(b, L, ids, new int[b * L], pos, seg, null, sRow, sOff, sLen);
  }
}
