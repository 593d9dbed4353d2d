package dev.packbert.bench;

import dev.packbert.mask.BlockDiagonalMask;
import dev.packbert.model.PackedBatch;
import dev.packbert.pack.NarrowRowPacker;
import dev.packbert.pack.PackingAlgorithm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * Turns one chunk of tokenized sentences into the batches of a variant. Every variant goes through
 * the same row layout (sentences back to back, segment ids 1..n, positions restarting at 0), so the
 * only difference between them is which sentences share a row and a batch, and how wide the batch
 * is.
 */
public final class BatchPlanner {
  private BatchPlanner() {}

  /**
   * The variant's batches over {@code tokens}; each batch's inputIndex holds indexes into {@code
   * tokens}.
   */
  public static List<PlannedBatch> plan(Variant v, int[][] tokens) {
    int n = tokens.length;
    List<int[]> rows = new ArrayList<>();
    switch (v.kind()) {
      case FIXED, DYNAMIC_INPUT -> {
        for (int i = 0; i < n; i++) {
          rows.add(new int[] {i});
        }
        return batchesOfRows(v, tokens, rows, v.batchSentences());
      }
      case DYNAMIC_SORTED -> {
        // stable sort by length: equal lengths keep input order; the scatter in BenchRunner
        // restores order
        Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingInt(i -> tokens[i].length));
        for (int i : order) {
          rows.add(new int[] {i});
        }
        return batchesOfRows(v, tokens, rows, v.batchSentences());
      }
      case PACKED, PACKED_LPFHP, PACKED_LPFHP_WIDE, PACKED_UDF_MASK -> {
        int[] lengths = new int[n];
        for (int i = 0; i < n; i++) {
          lengths[i] = tokens[i].length;
        }
        PackingAlgorithm algorithm =
            v.kind() == Variant.Kind.PACKED_LPFHP || v.kind() == Variant.Kind.PACKED_LPFHP_WIDE
                ? PackingAlgorithm.LPFHP
                : PackingAlgorithm.SPFHP;
        if (v.kind() != Variant.Kind.PACKED_LPFHP) {
          rows.addAll(algorithm.pack(lengths, v.rowLength(), v.rowLength()));
          return batchesOfRows(v, tokens, rows, Math.max(1, v.tokenBudget() / v.rowLength()));
        }
        // the job's default: narrow rows, each width batched at the token budget, as the job does
        Map<Integer, List<int[]>> byWidth = new TreeMap<>(Comparator.reverseOrder());
        for (int[] r : new NarrowRowPacker(algorithm).pack(lengths, v.rowLength(), v.rowLength())) {
          byWidth
              .computeIfAbsent(
                  NarrowRowPacker.width(r, lengths, v.rowLength()), w -> new ArrayList<>())
              .add(r);
        }
        List<PlannedBatch> out = new ArrayList<>();
        byWidth.forEach(
            (w, group) ->
                out.addAll(batchesOfRows(v, tokens, group, Math.max(1, v.tokenBudget() / w))));
        return out;
      }
      default -> throw new IllegalStateException(v.kind().toString());
    }
  }

  private static List<PlannedBatch> batchesOfRows(
      Variant v, int[][] tokens, List<int[]> rows, int perBatch) {
    List<PlannedBatch> out = new ArrayList<>();
    for (int b = 0; b < rows.size(); b += perBatch) {
      out.add(build(v, tokens, rows.subList(b, Math.min(rows.size(), b + perBatch))));
    }
    return out;
  }

  static PlannedBatch build(Variant v, int[][] tokens, List<int[]> rows) {
    int width = 0;
    int sentences = 0;
    for (int[] r : rows) {
      int fill = 0;
      for (int i : r) {
        fill += tokens[i].length;
      }
      width = Math.max(width, fill);
      sentences += r.length;
    }
    // fixed pads every row to rowLength; the others trim the batch to its fullest row, as the job
    // does
    int length = v.kind() == Variant.Kind.FIXED ? v.rowLength() : width;
    int nr = rows.size();
    int[] ids = new int[nr * length];
    int[] pos = new int[nr * length];
    int[] seg = new int[nr * length];
    int[] sRow = new int[sentences];
    int[] sOff = new int[sentences];
    int[] sLen = new int[sentences];
    int[] index = new int[sentences];
    long real = 0;
    int s = 0;
    for (int r = 0; r < nr; r++) {
      int at = 0;
      int[] members = rows.get(r);
      for (int k = 0; k < members.length; k++) {
        int[] t = tokens[members[k]];
        int base = r * length + at;
        System.arraycopy(t, 0, ids, base, t.length);
        for (int j = 0; j < t.length; j++) {
          pos[base + j] = j;
          seg[base + j] = k + 1;
        }
        sRow[s] = r;
        sOff[s] = at;
        sLen[s] = t.length;
        index[s] = members[k];
        at += t.length;
        real += t.length;
        s++;
      }
    }
    PackedBatch batch =
        new PackedBatch(nr, length, ids, new int[nr * length], pos, seg, null, sRow, sOff, sLen);
    return new PlannedBatch(batch, index, real, (long) nr * length);
  }

  /**
   * The batch as the variant feeds it: with the Java-built mask for packed-udf-mask, else as
   * planned.
   */
  public static PackedBatch fed(Variant v, PackedBatch b) {
    return v.kind() == Variant.Kind.PACKED_UDF_MASK ? withExternalMask(b) : b;
  }

  /**
   * The same batch with its [rows, L, L] mask built in Java row by row, as the block_diagonal_mask
   * UDF does.
   */
  public static PackedBatch withExternalMask(PackedBatch b) {
    int l = b.length;
    float[] mask = new float[b.rows * l * l];
    int[] rowSeg = new int[l];
    for (int r = 0; r < b.rows; r++) {
      System.arraycopy(b.segmentIds, r * l, rowSeg, 0, l);
      byte[] m = BlockDiagonalMask.flat(rowSeg);
      int base = r * l * l;
      for (int k = 0; k < m.length; k++) {
        mask[base + k] = m[k];
      }
    }
    return new PackedBatch(
        b.rows,
        l,
        b.inputIds,
        b.tokenTypeIds,
        b.positionIds,
        b.segmentIds,
        mask,
        b.sentenceRow,
        b.sentenceOffset,
        b.sentenceLength);
  }
}
