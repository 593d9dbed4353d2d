package dev.packbert.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.Locale;
import org.apache.spark.sql.Column;

/**
 * Which slice a document belongs to: {@code pmod(xxhash64(doc_id), slices)}. It depends only on the
 * document's id and the number of slices (both recorded in {@code OUTPUT/_packbert_run.json}),
 * never on partitioning or input order, so a rerun cuts exactly the same slices. Ids are hashed as
 * strings (the job reads every id as a string); rows without an id all land in one slice, where
 * they are rejected.
 */
final class SliceRule {
  static final String DESCRIPTION = "pmod(xxhash64(string doc_id), slices)";

  private SliceRule() {}

  /** About {@code sliceDocuments} documents per slice; 0 = one slice. */
  static int slices(long inputRows, long sliceDocuments) {
    if (sliceDocuments <= 0 || inputRows <= sliceDocuments) {
      return 1;
    }
    return (int) Math.min(99_999, (inputRows + sliceDocuments - 1) / sliceDocuments);
  }

  static Column sliceOf(String idCol, int slices) {
    return slices == 1 ? lit(0) : pmod(xxhash64(col(idCol)), lit(slices)).cast("int");
  }

  /** The slice's name in paths: {@code 00017} (sorts as a number does). */
  static String name(int slice) {
    return String.format(Locale.ROOT, "%05d", slice);
  }
}
