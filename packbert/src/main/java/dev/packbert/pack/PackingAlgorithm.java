package dev.packbert.pack;

import java.util.List;
import java.util.Locale;

/** The packing algorithms of Krell et al. 2021 (arXiv 2107.02027) plus the no-packing baseline. */
public enum PackingAlgorithm implements SequencePacker {
  /** One item per row: the padded baseline. */
  NONE(new NoPacking()),
  /** First-fit decreasing: classic bin packing, O(n log n) here via a max-tree over bins. */
  FFD(new FirstFitDecreasing()),
  /** Shortest-pack-first histogram packing (worst fit on the length histogram). */
  SPFHP(new ShortestPackFirstHistogram()),
  /** Longest-pack-first histogram packing (best fit on the histogram, repeats short lengths). */
  LPFHP(new LongestPackFirstHistogram());

  // The packers hold no state: each call works on its own arrays.
  @SuppressWarnings("ImmutableEnumChecker")
  private final SequencePacker packer;

  PackingAlgorithm(SequencePacker packer) {
    this.packer = packer;
  }

  @Override
  public List<int[]> pack(int[] lengths, int maxLen, int maxPerRow) {
    return packer.pack(lengths, maxLen, maxPerRow);
  }

  /** Lower-case name as used by the Spark param ("none", "ffd", "spfhp", "lpfhp"). */
  public String paramValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static PackingAlgorithm parse(String name) {
    return valueOf(name.trim().toUpperCase(Locale.ROOT));
  }
}
