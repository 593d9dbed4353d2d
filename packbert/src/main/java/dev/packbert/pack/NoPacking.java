package dev.packbert.pack;

import java.util.ArrayList;
import java.util.List;

final class NoPacking implements SequencePacker {
  @Override
  public List<int[]> pack(int[] lengths, int maxLen, int maxPerRow) {
    PackingInput.budgeted(lengths, maxLen, maxPerRow);
    List<int[]> rows = new ArrayList<>(lengths.length);
    for (int i = 0; i < lengths.length; i++) {
      rows.add(new int[] {i});
    }
    return rows;
  }
}
