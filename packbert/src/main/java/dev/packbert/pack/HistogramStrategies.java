package dev.packbert.pack;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The bookkeeping both histogram packers share. As in the paper, a strategy is a multiset of
 * lengths (one pack shape) with a repeat count; open strategies are kept per remaining space so
 * that the fit search is a walk over at most maxLen keys, independent of the number of items.
 */
final class HistogramStrategies {

  /** One pack shape and how many packs have it. */
  static final class Strategy {
    final long count;
    final int[] pack;

    Strategy(long count, int[] pack) {
      this.count = count;
      this.pack = pack;
    }
  }

  private final int maxLen;
  private final int maxPerRow;

  /**
   * open strategies by remaining space 1..maxLen-1; the last one added is taken first, as in the
   * paper's code
   */
  private final List<List<Strategy>> open;

  private final List<Strategy> closed = new ArrayList<>();

  HistogramStrategies(int maxLen, int maxPerRow) {
    this.maxLen = maxLen;
    this.maxPerRow = maxPerRow;
    this.open = new ArrayList<>(maxLen + 1);
    for (int i = 0; i <= maxLen; i++) {
      open.add(new ArrayList<>());
    }
  }

  /** Histogram of budgeted lengths, index = length (1..maxLen). */
  static long[] histogram(int[] budgeted, int maxLen) {
    long[] h = new long[maxLen + 1];
    for (int l : budgeted) {
      h[l]++;
    }
    return h;
  }

  boolean hasOpen(int remaining) {
    return remaining >= 0 && remaining <= maxLen && !open.get(remaining).isEmpty();
  }

  Strategy takeOpen(int remaining) {
    List<Strategy> l = open.get(remaining);
    return l.remove(l.size() - 1);
  }

  void putBackOpen(int remaining, Strategy s) {
    open.get(remaining).add(s);
  }

  /** A pack that is full, by space or by count, can take nothing more and leaves the search. */
  void add(int[] pack, long count, int remaining) {
    if (count <= 0) {
      return;
    }
    Strategy s = new Strategy(count, pack);
    if (pack.length >= maxPerRow || remaining == 0) {
      closed.add(s);
    } else {
      open.get(remaining).add(s);
    }
  }

  static int[] append(int[] pack, int length, int times) {
    int[] out = Arrays.copyOf(pack, pack.length + times);
    Arrays.fill(out, pack.length, out.length, length);
    return out;
  }

  /**
   * Turns strategies back into rows of item indices: items of one length are handed out in input
   * order.
   */
  List<int[]> rows(int[] budgeted) {
    List<ArrayDeque<Integer>> byLength = new ArrayList<>(maxLen + 1);
    for (int i = 0; i <= maxLen; i++) {
      byLength.add(new ArrayDeque<>());
    }
    for (int i = 0; i < budgeted.length; i++) {
      byLength.get(budgeted[i]).add(i);
    }
    List<Strategy> all = new ArrayList<>(closed);
    for (List<Strategy> l : open) {
      all.addAll(l);
    }
    List<int[]> rows = new ArrayList<>();
    for (Strategy s : all) {
      for (long c = 0; c < s.count; c++) {
        int[] row = new int[s.pack.length];
        for (int k = 0; k < row.length; k++) {
          Integer idx = byLength.get(s.pack[k]).poll();
          if (idx == null) {
            throw new IllegalStateException(
                "strategy uses more items of length " + s.pack[k] + " than exist");
          }
          row[k] = idx;
        }
        rows.add(row);
      }
    }
    for (ArrayDeque<Integer> q : byLength) {
      if (!q.isEmpty()) {
        throw new IllegalStateException("items left unpacked: " + q);
      }
    }
    return PackingInput.ordered(rows);
  }
}
