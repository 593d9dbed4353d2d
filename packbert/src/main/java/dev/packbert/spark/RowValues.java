package dev.packbert.spark;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import scala.collection.JavaConverters;
import scala.collection.Seq;

/**
 * Array columns of a Row as Java values. Spark hands a mapPartitions function either deserialized
 * rows (arrays as Scala Seqs) or, when the optimizer removes the serialize/deserialize pair between
 * two typed stages, the previous stage's own objects (Java arrays); both are accepted.
 */
final class RowValues {
  private RowValues() {}

  static int[] ints(Row r, int i) {
    Object v = r.get(i);
    if (v instanceof int[] a) {
      return a;
    }
    List<?> l = v instanceof List<?> list ? list : JavaConverters.seqAsJavaList((Seq<?>) v);
    int[] a = new int[l.size()];
    for (int k = 0; k < a.length; k++) {
      a[k] = ((Number) l.get(k)).intValue();
    }
    return a;
  }

  static List<Row> rows(Row r, int i) {
    Object v = r.get(i);
    if (v instanceof Row[] a) {
      return Arrays.asList(a);
    }
    if (v instanceof List<?>) {
      @SuppressWarnings("unchecked")
      List<Row> l = (List<Row>) v;
      return l;
    }
    @SuppressWarnings("unchecked")
    Seq<Row> s = (Seq<Row>) v;
    return JavaConverters.seqAsJavaList(s);
  }

  /** A [L][L] numeric matrix column as rows of floats. */
  static float[][] matrix(Row r, int i) {
    Object v = r.get(i);
    List<?> outer =
        v instanceof Object[] arr
            ? Arrays.asList(arr)
            : v instanceof List<?> list ? list : JavaConverters.seqAsJavaList((Seq<?>) v);
    float[][] m = new float[outer.size()][];
    for (int k = 0; k < m.length; k++) {
      Object row = outer.get(k);
      if (row instanceof byte[] b) {
        m[k] = new float[b.length];
        for (int j = 0; j < b.length; j++) {
          m[k][j] = b[j];
        }
        continue;
      }
      List<?> l = row instanceof List<?> list ? list : JavaConverters.seqAsJavaList((Seq<?>) row);
      m[k] = new float[l.size()];
      for (int j = 0; j < l.size(); j++) {
        m[k][j] = ((Number) l.get(j)).floatValue();
      }
    }
    return m;
  }
}
