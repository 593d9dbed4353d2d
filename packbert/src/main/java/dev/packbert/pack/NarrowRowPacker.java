package dev.packbert.pack;

import java.util.ArrayList;
import java.util.List;

/**
 * Packs into rows of two widths: rows that hold a sentence longer than half of {@code maxLen} at
 * full width (filled with short sentences by the wrapped packer), and every other sentence into
 * rows of {@code maxLen / 2}.
 *
 * <p>Why: a packed row pays attention over its whole width (L × L per head) although each token
 * only sees its own sentence. The dense layers cost the same per token at any width, so a row half
 * as wide carries the same tokens at half the attention cost. Two widths, not more: on BERT-base
 * with europarl sentences (27 tokens on average) half-width rows ran ~5 % faster than full ones,
 * quarter-width rows slower again (their histogram packs worse and their attention matmuls are too
 * small to run at speed).
 *
 * <p>Rows come full-width first, then half-width, each group ordered as the wrapped packer orders
 * it, so a consumer that batches consecutive rows batches one width at a time.
 */
public final class NarrowRowPacker implements SequencePacker {
  /** Below this a half row would hold too few tokens to be worth its own batch shape. */
  static final int MIN_HALF_WIDTH = 16;

  private final SequencePacker inner;

  public NarrowRowPacker(SequencePacker inner) {
    this.inner = inner;
  }

  /**
   * The width a row of {@code row}'s items (indices into {@code lengths}) is stored and fed at,
   * their lengths budgeted as the packers budget them (0 counts as 1).
   */
  public static int width(int[] row, int[] lengths, int maxLen) {
    int fill = 0;
    for (int i : row) {
      fill += Math.max(1, lengths[i]);
    }
    return width(fill, maxLen);
  }

  /** The width a row of {@code fill} tokens is stored and fed at. */
  public static int width(int fill, int maxLen) {
    int half = maxLen / 2;
    return half >= MIN_HALF_WIDTH && fill <= half ? half : maxLen;
  }

  @Override
  public List<int[]> pack(int[] lengths, int maxLen, int maxPerRow) {
    int half = maxLen / 2;
    if (half < MIN_HALF_WIDTH) {
      return inner.pack(lengths, maxLen, maxPerRow);
    }
    boolean[] placed = new boolean[lengths.length];
    List<int[]> rows = new ArrayList<>();
    boolean anyLong = false;
    for (int len : lengths) {
      anyLong |= len > half;
    }
    if (anyLong) {
      for (int[] row : inner.pack(lengths, maxLen, maxPerRow)) {
        if (holdsLong(row, lengths, half)) {
          rows.add(row);
          for (int i : row) {
            placed[i] = true;
          }
        }
      }
    }
    int[] rest = unplaced(placed);
    int[] restLengths = new int[rest.length];
    for (int k = 0; k < rest.length; k++) {
      restLengths[k] = lengths[rest[k]];
    }
    for (int[] row : inner.pack(restLengths, half, maxPerRow)) {
      int[] members = new int[row.length];
      for (int k = 0; k < row.length; k++) {
        members[k] = rest[row[k]];
      }
      rows.add(members);
    }
    return rows;
  }

  private static boolean holdsLong(int[] row, int[] lengths, int half) {
    for (int i : row) {
      if (lengths[i] > half) {
        return true;
      }
    }
    return false;
  }

  private static int[] unplaced(boolean[] placed) {
    int n = 0;
    for (boolean p : placed) {
      n += p ? 0 : 1;
    }
    int[] out = new int[n];
    int k = 0;
    for (int i = 0; i < placed.length; i++) {
      if (!placed[i]) {
        out[k++] = i;
      }
    }
    return out;
  }
}
