package dev.packbert.model;

import dev.packbert.mask.BlockDiagonalMask;

/**
 * A batch of packed rows ready for the graph: {@code rows × length} token arrays (row-major) and a
 * table of the sentences inside them. An optional {@code mask} ({@code rows × length × length}, 1 =
 * may attend) replaces the in-graph block-diagonal mask.
 */
public final class PackedBatch {
  public final int rows;
  public final int length;
  public final int[] inputIds;
  public final int[] tokenTypeIds;
  public final int[] positionIds;
  public final int[] segmentIds;
  public final float[] mask;

  /** Per sentence: its row, the offset of its first token in the row, and its token count. */
  public final int[] sentenceRow;

  public final int[] sentenceOffset;
  public final int[] sentenceLength;

  public PackedBatch(
      int rows,
      int length,
      int[] inputIds,
      int[] tokenTypeIds,
      int[] positionIds,
      int[] segmentIds,
      float[] mask,
      int[] sentenceRow,
      int[] sentenceOffset,
      int[] sentenceLength) {
    int n = rows * length;
    if (inputIds.length != n
        || tokenTypeIds.length != n
        || positionIds.length != n
        || segmentIds.length != n) {
      throw new IllegalArgumentException("token arrays must hold rows × length = " + n + " values");
    }
    if (mask != null && mask.length != (long) n * length) {
      throw new IllegalArgumentException("mask must hold rows × length × length values");
    }
    if (sentenceRow.length != sentenceOffset.length
        || sentenceRow.length != sentenceLength.length) {
      throw new IllegalArgumentException("sentence table columns differ in length");
    }
    for (int s = 0; s < sentenceRow.length; s++) {
      if (sentenceRow[s] < 0
          || sentenceRow[s] >= rows
          || sentenceOffset[s] < 0
          || sentenceLength[s] <= 0
          || sentenceOffset[s] + sentenceLength[s] > length) {
        throw new IllegalArgumentException("sentence " + s + " lies outside its row");
      }
    }
    this.rows = rows;
    this.length = length;
    this.inputIds = inputIds;
    this.tokenTypeIds = tokenTypeIds;
    this.positionIds = positionIds;
    this.segmentIds = segmentIds;
    this.mask = mask;
    this.sentenceRow = sentenceRow;
    this.sentenceOffset = sentenceOffset;
    this.sentenceLength = sentenceLength;
  }

  public int sentences() {
    return sentenceRow.length;
  }

  /**
   * What the graphs' attention takes: the caller's own mask, or else the block-diagonal mask of the
   * packed sentences (built here, so every engine attends the same way).
   */
  public float[] attentionMask() {
    return mask != null ? mask : BlockDiagonalMask.batch(segmentIds, rows, length);
  }

  /** The flat index ({@code row * length + offset}) of each sentence's first token, its [CLS]. */
  public int[] clsIndex() {
    int[] c = new int[sentenceRow.length];
    for (int s = 0; s < c.length; s++) {
      c[s] = sentenceRow[s] * length + sentenceOffset[s];
    }
    return c;
  }

  /**
   * One sentence alone in a row of its own length: the reference every packed result must equal.
   */
  public static PackedBatch single(int[] ids) {
    int n = ids.length;
    int[] pos = new int[n];
    int[] seg = new int[n];
    for (int i = 0; i < n; i++) {
      pos[i] = i;
      seg[i] = 1;
    }
    return new PackedBatch(
        1, n, ids.clone(), new int[n], pos, seg, null, new int[] {0}, new int[] {0}, new int[] {n});
  }
}
