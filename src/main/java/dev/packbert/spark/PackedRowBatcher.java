package dev.packbert.spark;

import dev.packbert.model.PackedBatch;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * Turns packed Spark rows into engine batches: rows × width ≤ the token budget, and the width cut to
 * the longest real extent in the batch, so rows packed short (or `none` packing) feed no dead columns.
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
    var sentenceType = (org.apache.spark.sql.types.StructType)
        ((org.apache.spark.sql.types.ArrayType) schema.fields()[sentences].dataType()).elementType();
    offset = sentenceType.fieldIndex("offset");
    length = sentenceType.fieldIndex("length");
  }

  int sentencesColumn() {
    return sentences;
  }

  /** Real extent of a packed row: one past its last non-padding token. */
  int extent(Row r) {
    List<Integer> seg = r.getList(segmentIds);
    int e = seg.size();
    while (e > 0 && seg.get(e - 1) == 0) {
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
      copy(row.getList(inputIds), ids, r * width, width);
      copy(row.getList(tokenTypeIds), types, r * width, width);
      copy(row.getList(positionIds), pos, r * width, width);
      copy(row.getList(segmentIds), seg, r * width, width);
      if (m != null) {
        copyMask(row.getList(mask), m, r * width * width, width);
      }
      for (Row s : row.<Row>getList(sentences)) {
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

  private static void copy(List<Integer> src, int[] dst, int at, int width) {
    int n = Math.min(width, src.size());
    for (int i = 0; i < n; i++) {
      dst[at + i] = src.get(i);
    }
  }

  private static void copyMask(List<Object> rows, float[] dst, int at, int width) {
    int n = Math.min(width, rows.size());
    for (int i = 0; i < n; i++) {
      @SuppressWarnings("unchecked")
      List<Object> cols = rows.get(i) instanceof List ? (List<Object>) rows.get(i)
          : scala.collection.JavaConverters.seqAsJavaList((scala.collection.Seq<Object>) rows.get(i));
      int c = Math.min(width, cols.size());
      for (int j = 0; j < c; j++) {
        dst[at + i * width + j] = ((Number) cols.get(j)).floatValue();
      }
    }
  }
}
