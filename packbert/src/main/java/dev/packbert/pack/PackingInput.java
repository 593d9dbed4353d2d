package dev.packbert.pack;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** Argument checks and result ordering shared by all packers. */
final class PackingInput {
  private PackingInput() {}

  /**
   * Validates and returns the budgeted length of each item (0 counts as 1 so it still gets a row).
   */
  static int[] budgeted(int[] lengths, int maxLen, int maxPerRow) {
    if (maxLen < 1) {
      throw new IllegalArgumentException("maxLen must be >= 1, got " + maxLen);
    }
    if (maxPerRow < 1) {
      throw new IllegalArgumentException("maxPerRow must be >= 1, got " + maxPerRow);
    }
    int[] out = new int[lengths.length];
    for (int i = 0; i < lengths.length; i++) {
      int l = lengths[i];
      if (l < 0 || l > maxLen) {
        throw new IllegalArgumentException(
            "length " + l + " at index " + i + " outside 0.." + maxLen);
      }
      out[i] = Math.max(1, l);
    }
    return out;
  }

  /** Sorts each row's indices and the rows by first index: deterministic, close to input order. */
  static List<int[]> ordered(List<int[]> rows) {
    List<int[]> out = new ArrayList<>(rows.size());
    for (int[] r : rows) {
      int[] c = r.clone();
      Arrays.sort(c);
      out.add(c);
    }
    out.sort(Comparator.comparingInt(r -> r[0]));
    return out;
  }
}
