package dev.packbert.spark;

import dev.packbert.model.PackedBatch;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * Turns packed Spark rows into engine batches: rows × width ≤ the token budget, and the width cut
 * to the longest real extent in the batch, so rows packed short (or `none` packing) feed no dead
 * columns.
 */
final class PackedRowBatcher {
  private final int inputIds;
  private final int tokenTypeIds;
  private final int positionIds;
  private final int segmentIds;
  private final int sentences;
  private final int mask;
  private final int offset;
  private final int length;

  PackedRowBatcher(org.apache.spark.sql.types.StructType schema, String maskCol) {
    inputIds = schema.fieldIndex("input_ids");
    tokenTypeIds = schema.fieldIndex("token_type_ids");
    positionIds = schema.fieldIndex("position_ids");
    segmentIds = schema.fieldIndex("segment_ids");
    sentences = schema.fieldIndex("sentences");
    mask = maskCol == null || maskCol.isEmpty() ? -1 : schema.fieldIndex(maskCol);
    var sentenceType =
        (org.apache.spark.sql.types.StructType)
            ((org.apache.spark.sql.types.ArrayType) schema.fields()[sentences].dataType())
                .elementType();
    offset = sentenceType.fieldIndex("offset");
    length = sentenceType.fieldIndex("length");
  }

  int sentencesColumn() {
    return sentences;
  }

  /** Real extent of a packed row: one past its last non-padding token. */
  int extent(Row r) {
    int[] seg = RowValues.ints(r, segmentIds);
    int e = seg.length;
    while (e > 0 && seg[e - 1] == 0) {
      e--;
    }
    return e;
  }

  PackedBatch toBatch(List<Row> rows) {
    int width = 1;
    for (Row r : rows) {
      width = Math.max(width, extent(r));
    }
    int b = rows.size();
    int[] ids = new int[b * width];
    int[] types = new int[b * width];
    int[] pos = new int[b * width];
    int[] seg = new int[b * width];
    float[] m = mask >= 0 ? new float[b * width * width] : null;
    List<int[]> table = new ArrayList<>();
    for (int r = 0; r < b; r++) {
      Row row = rows.get(r);
      copy(RowValues.ints(row, inputIds), ids, r * width, width);
      copy(RowValues.ints(row, tokenTypeIds), types, r * width, width);
      copy(RowValues.ints(row, positionIds), pos, r * width, width);
      copy(RowValues.ints(row, segmentIds), seg, r * width, width);
      if (m != null) {
        copyMask(RowValues.matrix(row, mask), m, r * width * width, width);
      }
      for (Row s : RowValues.rows(row, sentences)) {
        table.add(new int[] {r, s.getInt(offset), s.getInt(length)});
      }
    }
    int n = table.size();
    int[] sRow = new int[n];
    int[] sOff = new int[n];
    int[] sLen = new int[n];
    for (int i = 0; i < n; i++) {
      sRow[i] = table.get(i)[0];
      sOff[i] = table.get(i)[1];
      sLen[i] = table.get(i)[2];
    }
    return new PackedBatch(b, width, ids, types, pos, seg, m, sRow, sOff, sLen);
  }

  private static void copy(int[] src, int[] dst, int at, int width) {
    System.arraycopy(src, 0, dst, at, Math.min(width, src.length));
  }

  private static void copyMask(float[][] rows, float[] dst, int at, int width) {
    for (int i = 0; i < Math.min(width, rows.length); i++) {
      System.arraycopy(rows[i], 0, dst, at + i * width, Math.min(width, rows[i].length));
    }
  }

  int rowLength(Row r) {
    return RowValues.ints(r, inputIds).length;
  }

  List<Row> sentencesOf(Row r) {
    return RowValues.rows(r, sentences);
  }
}
