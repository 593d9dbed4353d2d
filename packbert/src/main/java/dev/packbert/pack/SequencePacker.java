package dev.packbert.pack;

import java.util.List;

/** Assigns items of known token length to rows of a fixed token budget. */
public interface SequencePacker {

  /**
   * Returns, per row, the indices (into {@code lengths}) of the items in that row, ascending; rows
   * are ordered by their first index so that output follows input order as far as packing allows.
   * Every index appears exactly once, no row's summed length exceeds {@code maxLen}, no row holds
   * more than {@code maxPerRow} items. Lengths of 0 are accepted and budgeted as 1 token so that
   * the item still gets a row; a length over {@code maxLen} is an {@link IllegalArgumentException}
   * (cut it first with {@link OverLength}).
   */
  List<int[]> pack(int[] lengths, int maxLen, int maxPerRow);
}
