package dev.packbert.pack;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * First-fit decreasing. The first bin with room is found with a max segment tree over the bins'
 * remaining space (a full bin, by count, reports -1), so a 10,000-item window costs n log n, not
 * n².
 */
final class FirstFitDecreasing implements SequencePacker {

  @Override
  public List<int[]> pack(int[] lengths, int maxLen, int maxPerRow) {
    int[] len = PackingInput.budgeted(lengths, maxLen, maxPerRow);
    int n = len.length;
    if (n == 0) {
      return List.of();
    }
    // stable: ties keep input order, which makes the result deterministic
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(
        order,
        (a, b) -> len[b] != len[a] ? Integer.compare(len[b], len[a]) : Integer.compare(a, b));

    int size = 1;
    while (size < n) {
      size <<= 1;
    }
    int[] tree = new int[2 * size];
    Arrays.fill(tree, maxLen); // unopened bins have full space
    int[] count = new int[n];
    List<List<Integer>> bins = new ArrayList<>();
    for (int idx : order) {
      int l = len[idx];
      int node = 1;
      while (node < size) {
        node = tree[2 * node] >= l ? 2 * node : 2 * node + 1;
      }
      int bin = node - size;
      while (bins.size() <= bin) {
        bins.add(new ArrayList<>());
      }
      bins.get(bin).add(idx);
      count[bin]++;
      tree[node] = count[bin] >= maxPerRow ? -1 : tree[node] - l;
      for (node >>= 1; node >= 1; node >>= 1) {
        tree[node] = Math.max(tree[2 * node], tree[2 * node + 1]);
      }
    }
    List<int[]> rows = new ArrayList<>(bins.size());
    for (List<Integer> b : bins) {
      rows.add(b.stream().mapToInt(Integer::intValue).toArray());
    }
    return PackingInput.ordered(rows);
  }
}
