package dev.packbert.job;

import static org.apache.spark.sql.functions.col;

import dev.packbert.model.Pooling;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.api.java.function.MapFunction;
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

  /** With {@code normalize}, the merged vector is L2-normalized again after averaging. */
  static Dataset<Row> merge(Dataset<Row> sentences, Set<Pooling> poolings, boolean normalize) {
    Dataset<Row> whole = sentences.where(col("num_parts").leq(1));
    Dataset<Row> pieces = sentences.where(col("num_parts").gt(1));
    int lengthCol = sentences.schema().fieldIndex("length");
    int beginCol = sentences.schema().fieldIndex("begin");
    int endCol = sentences.schema().fieldIndex("end");
    int textCol = sentences.schema().fieldIndex("text");
    int partCol = sentences.schema().fieldIndex("part");
    int[] vecCols =
        poolings.stream().mapToInt(p -> sentences.schema().fieldIndex(p.column())).toArray();
    // Ids are not unique in user data: (doc_id, sentence_index) alone merged the pieces of two
    // documents
    // that share an id into one row and lost the other. The span and the text tell them apart;
    // identical
    // duplicates (same id and text) yield every part k times and come out as k identical rows.
    Dataset<Row> merged =
        pieces
            .groupByKey(
                (MapFunction<Row, String>)
                    r ->
                        r.getString(0)
                            + "\u0000"
                            + r.getInt(1)
                            + "\u0000"
                            + r.getInt(beginCol)
                            + "\u0000"
                            + r.getInt(endCol)
                            + "\u0000"
                            + r.getString(textCol).hashCode(),
                Encoders.STRING())
            .flatMapGroups(
                (FlatMapGroupsFunction<String, Row, Row>)
                    (k, it) -> {
                      TreeMap<Integer, List<Row>> byPart = new TreeMap<>();
                      it.forEachRemaining(
                          r ->
                              byPart
                                  .computeIfAbsent(r.getInt(partCol), x -> new ArrayList<>())
                                  .add(r));
                      List<Row> rows = new ArrayList<>();
                      int copies = Integer.MAX_VALUE;
                      for (List<Row> l : byPart.values()) {
                        rows.add(l.get(0));
                        copies = Math.min(copies, l.size());
                      }
                      float[][] means =
                          DocumentRollup.weightedMeans(rows, lengthCol, vecCols, normalize);
                      Object[] out = new Object[rows.get(0).size()];
                      for (int i = 0; i < out.length; i++) {
                        out[i] = rows.get(0).get(i);
                      }
                      for (int p = 0; p < vecCols.length; p++) {
                        out[vecCols[p]] = means[p];
                      }
                      List<Row> result = new ArrayList<>(copies);
                      for (int c = 0; c < copies; c++) {
                        result.add(RowFactory.create(out.clone()));
                      }
                      return result.iterator();
                    },
                Encoders.row(sentences.schema()));
    return whole.unionByName(merged);
  }
}
