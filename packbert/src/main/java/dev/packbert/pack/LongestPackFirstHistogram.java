package dev.packbert.pack;

import java.util.List;

/**
 * LPFHP, Krell et al. 2021: lengths from the histogram longest first; each goes into the open pack
 * with the LEAST remaining space that still takes it (best fit, so the "longest pack" first). When
 * the pack has room for several items of this length, as many are put in as fit (and as items
 * allow), and a new pack likewise takes floor(maxLen / length) copies. After every placement the
 * search restarts at the tightest fit because the best fit may have changed.
 */
final class LongestPackFirstHistogram implements SequencePacker {

  @Override
  public List<int[]> pack(int[] lengths, int maxLen, int maxPerRow) {
    int[] len = PackingInput.budgeted(lengths, maxLen, maxPerRow);
    long[] hist = HistogramStrategies.histogram(len, maxLen);
    HistogramStrategies s = new HistogramStrategies(maxLen, maxPerRow);
    for (int length = maxLen; length >= 1; length--) {
      long toBin = hist[length];
      int offset = 0; // perfect fit first
      while (toBin > 0) {
        int key = length + offset;
        if (s.hasOpen(key)) {
          HistogramStrategies.Strategy pack = s.takeOpen(key);
          int repeat = Math.min(1 + offset / length, maxPerRow - pack.pack.length);
          while (toBin / repeat == 0) {
            repeat--;
          }
          long count = Math.min(pack.count, toBin / repeat);
          if (pack.count > count) {
            s.putBackOpen(key, new HistogramStrategies.Strategy(pack.count - count, pack.pack));
          }
          toBin -= count * repeat;
          s.add(
              HistogramStrategies.append(pack.pack, length, repeat),
              count,
              offset - (repeat - 1) * length);
          offset = 0;
        } else {
          offset++;
        }
        if (toBin > 0 && offset >= maxLen - length + 1) {
          int repeat = Math.min(maxLen / length, maxPerRow);
          while (toBin / repeat == 0) {
            repeat--;
          }
          long packs = toBin / repeat;
          s.add(
              HistogramStrategies.append(new int[0], length, repeat),
              packs,
              maxLen - length * repeat);
          toBin -= packs * repeat;
        }
      }
    }
    return s.rows(len);
  }
}
