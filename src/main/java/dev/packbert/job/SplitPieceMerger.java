package dev.packbert.job;

import static org.apache.spark.sql.functions.col;

import dev.packbert.model.Pooling;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.MapGroupsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * With {@code --over-length split}, a long sentence is embedded as overlapping windows; this joins
 * them back into one row per sentence (vectors averaged, weighted by each window's token count), so
 * the output still has exactly one row per input sentence. Only split rows are shuffled.
 */
final class SplitPieceMerger {
  private SplitPieceMerger() {}

  static Dataset<Row> merge(Dataset<Row> sentences, Set<Pooling> poolings) {
    Dataset<Row> whole = sentences.where(col("num_parts").leq(1));
    Dataset<Row> pieces = sentences.where(col("num_parts").gt(1));
    int lengthCol = sentences.schema().fieldIndex("length");
    int[] vecCols = poolings.stream().mapToInt(p -> sentences.schema().fieldIndex(p.column())).toArray();
    Dataset<Row> merged = pieces
        .groupByKey((MapFunction<Row, String>) r -> r.getString(0) + "\u0000" + r.getInt(1), Encoders.STRING())
        .mapGroups((MapGroupsFunction<String, Row, Row>) (k, it) -> {
          List<Row> rows = new ArrayList<>();
          it.forEachRemaining(rows::add);
          rows.sort((a, b) -> Integer.compare(a.getInt(a.fieldIndex("part")), b.getInt(b.fieldIndex("part"))));
          float[][] means = DocumentRollup.weightedMeans(rows, lengthCol, vecCols);
          Object[] out = new Object[rows.get(0).size()];
          for (int i = 0; i < out.length; i++) {
            out[i] = rows.get(0).get(i);
          }
          for (int p = 0; p < vecCols.length; p++) {
            out[vecCols[p]] = means[p];
          }
          return RowFactory.create(out);
        }, Encoders.row(sentences.schema()));
    return whole.unionByName(merged);
  }
}
