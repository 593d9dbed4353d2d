package dev.packbert.job;

import dev.packbert.model.Pooling;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code --vector-type ml}: the pooled float arrays become {@code
 * org.apache.spark.ml.linalg.Vector} columns (VectorUDT), the type Spark ML's estimators (KMeans,
 * LSH, ...) take. Converted only at write time, so the rollups and merges work on arrays either
 * way.
 */
final class VectorColumns {
  private VectorColumns() {}

  static Dataset<Row> as(Dataset<Row> df, Set<Pooling> poolings, String vectorType) {
    if (!vectorType.equals("ml")) {
      return df;
    }
    Dataset<Row> out = df;
    for (Pooling p : poolings) {
      out =
          out.withColumn(
              p.column(), org.apache.spark.ml.functions.array_to_vector(out.col(p.column())));
    }
    return out;
  }
}
