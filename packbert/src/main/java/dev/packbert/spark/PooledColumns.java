package dev.packbert.spark;

import dev.packbert.model.L2Norm;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * Reading and averaging pooled vector cells, whether a column holds {@code array<float>} or Spark
 * ML vectors: the window merger and the document rollup average the same way.
 */
final class PooledColumns {
  private PooledColumns() {}

  static final DataType FLOATS = DataTypes.createArrayType(DataTypes.FloatType, false);

  static boolean isMlVector(DataType t) {
    return t.equals(SQLDataTypes.VectorType());
  }

  /**
   * For each vector column, Σ w·v / Σ w over the rows (in double, then rounded to float as the
   * vectors are), with w = the row's weight column (at least 1); with {@code normalize}, each
   * result is L2-normalized afterwards.
   */
  static float[][] weightedMeans(List<Row> rows, int weightCol, int[] vecCols, boolean normalize) {
    double[][] sums = new double[vecCols.length][];
    double weight = 0;
    for (Row r : rows) {
      double w = Math.max(1, r.getInt(weightCol));
      for (int p = 0; p < vecCols.length; p++) {
        float[] v = floats(r.get(vecCols[p]));
        if (sums[p] == null) {
          sums[p] = new double[v.length];
        }
        for (int i = 0; i < v.length; i++) {
          sums[p][i] += w * v[i];
        }
      }
      weight += w;
    }
    float[][] out = new float[vecCols.length][];
    for (int p = 0; p < vecCols.length; p++) {
      out[p] = new float[sums[p].length];
      for (int i = 0; i < sums[p].length; i++) {
        out[p][i] = (float) (sums[p][i] / weight);
      }
      if (normalize) {
        out[p] = L2Norm.normalized(out[p]);
      }
    }
    return out;
  }

  /** A cell's vector; ML vectors hold the floats the embedder wrote, widened to double. */
  static float[] floats(Object cell) {
    if (cell instanceof Vector v) {
      double[] d = v.toArray();
      float[] f = new float[d.length];
      for (int i = 0; i < d.length; i++) {
        f[i] = (float) d[i];
      }
      return f;
    }
    if (cell instanceof float[] a) {
      return a;
    }
    scala.collection.Seq<?> seq = (scala.collection.Seq<?>) cell;
    float[] f = new float[seq.length()];
    for (int i = 0; i < f.length; i++) {
      f[i] = ((Number) seq.apply(i)).floatValue();
    }
    return f;
  }

  /** {@code v} as a cell of a column of type {@code t}. */
  static Object cell(float[] v, DataType t) {
    if (!isMlVector(t)) {
      return v;
    }
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return Vectors.dense(d);
  }
}
