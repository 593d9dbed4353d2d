package dev.packbert.job;

import dev.packbert.model.L2Norm;
import dev.packbert.model.Pooling;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.MapGroupsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One vector per document: the average of its sentence vectors weighted by their token counts. For
 * mean pooling this is exactly the mean over all the document's tokens (each token once, in its own
 * sentence's context); using the same weights for cls and pooler keeps long sentences from being
 * outvoted by short fragments such as headings.
 */
final class DocumentRollup {
  private DocumentRollup() {}

  /**
   * With {@code normalize}, each document vector is L2-normalized after the rollup (a mean of unit
   * vectors is shorter than 1).
   */
  static Dataset<Row> of(Dataset<Row> sentences, Set<Pooling> poolings, boolean normalize) {
    List<Pooling> order = List.copyOf(poolings);
    StructType schema =
        new StructType()
            .add("doc_id", DataTypes.StringType, false)
            .add("num_sentences", DataTypes.IntegerType, false);
    for (Pooling p : order) {
      schema = schema.add(p.column(), DataTypes.createArrayType(DataTypes.FloatType, false), false);
    }
    int tokensCol = sentences.schema().fieldIndex("num_tokens");
    int[] vecCols =
        order.stream().mapToInt(p -> sentences.schema().fieldIndex(p.column())).toArray();
    return sentences
        .groupByKey((MapFunction<Row, String>) r -> r.getString(0), Encoders.STRING())
        .mapGroups(
            (MapGroupsFunction<String, Row, Row>)
                (doc, rows) -> rollup(doc, rows, tokensCol, vecCols, normalize),
            Encoders.row(schema));
  }

  private static Row rollup(
      String doc, Iterator<Row> rows, int tokensCol, int[] vecCols, boolean normalize) {
    List<Row> all = new ArrayList<>();
    rows.forEachRemaining(all::add);
    List<Object> out = new ArrayList<>();
    out.add(doc);
    out.add(all.size());
    out.addAll(List.of((Object[]) weightedMeans(all, tokensCol, vecCols, normalize)));
    return RowFactory.create(out.toArray());
  }

  /**
   * For each vector column, Σ w·v / Σ w over the rows, with w = the row's weight column (at least
   * 1).
   */
  static float[][] weightedMeans(List<Row> rows, int weightCol, int[] vecCols, boolean normalize) {
    double[][] sums = new double[vecCols.length][];
    double weight = 0;
    for (Row r : rows) {
      double w = Math.max(1, r.getInt(weightCol));
      for (int p = 0; p < vecCols.length; p++) {
        List<Float> v = r.getList(vecCols[p]);
        if (sums[p] == null) {
          sums[p] = new double[v.size()];
        }
        for (int i = 0; i < v.size(); i++) {
          sums[p][i] += w * v.get(i);
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
}
