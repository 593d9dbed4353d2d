package dev.packbert.pack;

import java.util.List;

/**
 * SPFHP, Krell et al. 2021, section 4.1 / appendix: lengths are taken from the histogram longest
 * first; all items of one length go into the open pack with the MOST remaining space that still
 * takes them (the "shortest pack", i.e. worst fit, not best fit), splitting a strategy's repeat
 * count when fewer items than packs are left; an item that fits nowhere opens a new pack. Cost is
 * O(maxLen²) on the histogram, plus O(n) to hand indices out.
 */
final class ShortestPackFirstHistogram implements SequencePacker {

  @Override
  public List<int[]> pack(int[] lengths, int maxLen, int maxPerRow) {
    int[] len = PackingInput.budgeted(lengths, maxLen, maxPerRow);
    long[] hist = HistogramStrategies.histogram(len, maxLen);
    HistogramStrategies s = new HistogramStrategies(maxLen, maxPerRow);
    for (int length = maxLen; length >= 1; length--) {
      long toBin = hist[length];
      // offset = space a pack would have left after taking this item; start from the largest
      int offset = maxLen - length;
      while (toBin > 0) {
        if (s.hasOpen(length + offset)) {
          HistogramStrategies.Strategy pack = s.takeOpen(length + offset);
          long count = Math.min(pack.count, toBin);
          if (pack.count > toBin) {
            s.putBackOpen(
                length + offset, new HistogramStrategies.Strategy(pack.count - toBin, pack.pack));
          }
          toBin -= count;
          s.add(HistogramStrategies.append(pack.pack, length, 1), count, offset);
        } else {
          offset--;
        }
        if (offset < 0) {
          s.add(new int[] {length}, toBin, maxLen - length);
          toBin = 0;
        }
      }
    }
    return s.rows(len);
  }
}
