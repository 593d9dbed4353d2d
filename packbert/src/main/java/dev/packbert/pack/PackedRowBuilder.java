package dev.packbert.pack;

import java.util.ArrayList;
import java.util.List;

/** Lays the pieces of one row out back to back and pads to maxSeqLength with 0. */
public final class PackedRowBuilder {
  private PackedRowBuilder() {}

  public static PackedRow build(List<SentencePiece> pieces, int maxSeqLength) {
    int[] ids = new int[maxSeqLength];
    int[] seg = new int[maxSeqLength];
    int[] pos = new int[maxSeqLength];
    List<PackedRow.Placement> placements = new ArrayList<>(pieces.size());
    int at = 0;
    for (int s = 0; s < pieces.size(); s++) {
      SentencePiece p = pieces.get(s);
      int[] t = p.tokens();
      if (at + t.length > maxSeqLength) {
        throw new IllegalArgumentException("row overflows maxSeqLength " + maxSeqLength);
      }
      for (int k = 0; k < t.length; k++) {
        ids[at + k] = t[k];
        seg[at + k] = s + 1;
        pos[at + k] = k;
      }
      placements.add(new PackedRow.Placement(p, at, t.length));
      at += t.length;
    }
    return new PackedRow(ids, seg, pos, new int[maxSeqLength], at, List.copyOf(placements));
  }
}
