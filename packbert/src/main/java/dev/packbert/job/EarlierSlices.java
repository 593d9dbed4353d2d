package dev.packbert.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.min;

import dev.packbert.spark.UnitKeyer;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * This run's committed slices as a source of vectors by {@code unit_key} ({@code --dedupe-scope
 * run}): a key of slice k that an earlier slice already embedded is read back from that slice's
 * sentence rows instead of being embedded again, so a key is embedded once per run, not once per
 * slice.
 *
 * <p>Two reads, so that the cost stays near the keys' size rather than the vectors': the earlier
 * slices' {@code unit_key} column alone (Parquet and Delta read one column) to find which keys are
 * there and in which slice first; then the full rows of only the slices that own a found key.
 * Boilerplate is owned by the first slice, so its vectors come from one slice however late the run
 * is.
 */
final class EarlierSlices {
  private static final String SLICE = "slice";
  private static final String OWNER = "_owner";

  private final SparkSession spark;
  private final String sentences;
  private final String format;
  private final List<String> vectors;

  /**
   * @param sentences the run's sentence output (its slices below it, or one Delta table)
   * @param format parquet or delta
   * @param vectors the pooled columns this run writes
   */
  EarlierSlices(SparkSession spark, String sentences, String format, List<String> vectors) {
    this.spark = spark;
    this.sentences = sentences;
    this.format = format;
    this.vectors = vectors;
  }

  /** Whether a run with these settings can read its own slices back (a json output cannot). */
  static boolean applies(EmbedSettings s) {
    return s.dedupe()
        && s.dedupeScope().equals("run")
        && s.sentenceOutput()
        && !s.outputFormat().equals("json");
  }

  /**
   * The keys found, one row each ({@code unit_key, num_tokens, truncated} and the vectors, as
   * {@link ReusedOutputs} gives them), persisted; empty when no earlier slice has any of them.
   *
   * @param keys the slice's distinct keys (one column, {@code unit_key})
   * @param earlier committed slices before this one
   */
  Optional<Found> lookup(Dataset<Row> keys, SortedSet<Integer> earlier) {
    if (earlier.isEmpty()) {
      return Optional.empty();
    }
    String key = UnitKeyer.COLUMN;
    Dataset<Row> owners =
        read(earlier)
            .select(col(key), col(SLICE))
            .join(keys, key)
            .groupBy(col(key))
            .agg(min(col(SLICE)).as(OWNER))
            .persist(StorageLevel.MEMORY_AND_DISK());
    SortedSet<Integer> owning = new TreeSet<>();
    for (Row r : owners.select(OWNER).distinct().collectAsList()) {
      owning.add(r.getInt(0));
    }
    if (owning.isEmpty()) {
      owners.unpersist();
      return Optional.empty();
    }
    // a key has many rows in its slice (every sentence that has it), all with the vectors of one
    // embedding; any would do, but a recomputed partition must pick the same
    Dataset<Row> first =
        FirstRowPerKey.of(read(owning).join(owners, key).where(col(SLICE).equalTo(col(OWNER))));
    Dataset<Row> known =
        ReusedOutputs.vectorsByKey(first, vectors, "this run's earlier slices")
            .persist(StorageLevel.MEMORY_AND_DISK());
    long count = known.count();
    owners.unpersist();
    return Optional.of(new Found(known, count));
  }

  /** The rows of the keys found, persisted, and how many there are. */
  record Found(Dataset<Row> rows, long count) {}

  /** The sentence rows of the given slices, each row with its {@code slice}. */
  private Dataset<Row> read(SortedSet<Integer> slices) {
    if (format.equals("delta")) {
      // one table partitioned by slice: the filter prunes to the slices' partitions
      return spark.read().format("delta").load(sentences).where(col(SLICE).isin(slices.toArray()));
    }
    // one scan of all their folders (not a union of one scan per slice: Spark then plans and
    // schedules tasks per folder, most of a lookup's time when slices are small); the folders'
    // names give the slice, cast since partition type inference may be off
    String[] folders =
        slices.stream().map(s -> sentences + "/slice=" + SliceRule.name(s)).toArray(String[]::new);
    return spark
        .read()
        .format(format)
        .option("basePath", sentences)
        .load(folders)
        .withColumn(SLICE, col(SLICE).cast("int"));
  }
}
