package dev.packbert.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;

import dev.packbert.spark.UnitKeyer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * One row per {@code unit_key}, the same row however often it is recomputed: the first by (doc_id,
 * sentence_index). dropDuplicates keeps whichever row arrives first, and a recomputation after a
 * lost executor that picked another representative moved the key to another partition, so one key
 * was embedded twice and its rows written twice (ExecutorLossIT).
 */
final class FirstRowPerKey {
  private FirstRowPerKey() {}

  static Dataset<Row> of(Dataset<Row> rows) {
    return rows.withColumn(
            "_rank",
            row_number()
                .over(
                    Window.partitionBy(col(UnitKeyer.COLUMN))
                        .orderBy(col("doc_id"), col("sentence_index"))))
        .where(col("_rank").equalTo(1))
        .drop("_rank");
  }
}
