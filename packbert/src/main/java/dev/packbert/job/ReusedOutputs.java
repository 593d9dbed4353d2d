package dev.packbert.job;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.packbert.spark.UnitKeyer;
import dev.packbert.spark.WindowMerger;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * The earlier outputs of {@code --reuse}: each checked whole before any of it is used (its summary
 * is there, so the run finished; every slice the summary counts is committed; it was made under
 * this run's fingerprint), then read as one row per {@code unit_key} with the columns a sentence
 * row takes from its tokens ({@code num_tokens, truncated}) and its vectors as {@code
 * array<float>}.
 */
final class ReusedOutputs {
  static final String FINGERPRINT = "fingerprint";

  private ReusedOutputs() {}

  /**
   * The vectors by key of every earlier output, or empty when none is given.
   *
   * @param fingerprint this run's, component by component
   * @param vectorColumns this run's pooled columns
   */
  static Optional<Dataset<Row>> read(
      SparkSession spark,
      List<String> paths,
      Map<String, String> fingerprint,
      List<String> vectorColumns) {
    Dataset<Row> all = null;
    for (String path : paths) {
      Dataset<Row> one = readOne(spark, path, fingerprint, vectorColumns);
      all = all == null ? one : all.unionByName(one);
    }
    return Optional.ofNullable(all).map(d -> d.dropDuplicates(UnitKeyer.COLUMN));
  }

  private static Dataset<Row> readOne(
      SparkSession spark, String path, Map<String, String> fingerprint, List<String> vectors) {
    OutputDir dir = new OutputDir(path, spark.sparkContext().hadoopConfiguration());
    String where = "--reuse " + StorageErrors.safeLocation(dir.location());
    String json =
        dir.readOptional(OutputDir.SUMMARY)
            .orElseThrow(
                () ->
                    new UserError(
                        where
                            + ": no "
                            + OutputDir.SUMMARY
                            + ", so not a finished PackBERT output; refused (finish it with"
                            + " --resume first)"));
    JsonNode summary;
    try {
      summary = new ObjectMapper().readTree(json);
    } catch (IOException e) {
      throw new UserError(where + ": its " + OutputDir.SUMMARY + " does not parse; refused");
    }
    int slices = summary.path("slices").asInt(-1);
    int committed = dir.committedSlices().size();
    if (slices < 1 || committed != slices) {
      throw new UserError(
          where
              + ": "
              + committed
              + " of "
              + slices
              + " slices are committed, so it is incomplete; refused");
    }
    JsonNode theirs = summary.path(FINGERPRINT);
    if (!theirs.isObject()) {
      throw new UserError(
          where + ": made without unit keys (an older PackBERT); its vectors cannot be matched");
    }
    for (Map.Entry<String, String> e : fingerprint.entrySet()) {
      JsonNode v = theirs.get(e.getKey());
      String there = v == null ? "(none)" : v.asText();
      if (!there.equals(e.getValue())) {
        throw new UserError(
            where
                + ": made with another "
                + e.getKey()
                + " ("
                + abbreviate(there)
                + " there, "
                + abbreviate(e.getValue())
                + " here), so its vectors would differ; refused");
      }
    }
    String sentences = dir.path("sentences");
    Dataset<Row> rows;
    try {
      boolean delta =
          new Path(sentences + "/_delta_log")
              .getFileSystem(spark.sparkContext().hadoopConfiguration())
              .exists(new Path(sentences + "/_delta_log"));
      String format = delta ? "delta" : summaryFormat(summary);
      if (format.equals("json")) {
        throw new UserError(where + ": a json output; --reuse reads parquet and delta outputs");
      }
      rows = spark.read().format(format).load(sentences);
    } catch (UserError e) {
      throw e;
    } catch (Exception e) { // Spark throws AnalysisException undeclared
      throw new UserError(
          where
              + ": cannot read its sentences ("
              + PackBertCli.oneLine(String.valueOf(e.getMessage()))
              + "); refused");
    }
    return vectorsByKey(rows, vectors, where);
  }

  /**
   * An output's sentence rows as the columns a reused unit takes: its key, {@code num_tokens,
   * truncated} and its vectors as {@code array<float>} (whatever vector type the output has).
   *
   * @param where the output, for the refusal when a column is missing
   */
  static Dataset<Row> vectorsByKey(Dataset<Row> rows, List<String> vectors, String where) {
    List<Column> cols = new ArrayList<>();
    cols.add(col(UnitKeyer.COLUMN));
    for (String c : WindowMerger.SENTENCE_COLUMNS) {
      if (c.equals("num_tokens") || c.equals("truncated")) {
        cols.add(col(c));
      }
    }
    for (String v : vectors) {
      if (!SchemaHas.column(rows, v)) {
        throw new UserError(where + ": has no " + v + " column; refused");
      }
      DataType t = rows.schema().apply(v).dataType();
      cols.add(
          t instanceof VectorUDT
              ? org.apache.spark.ml.functions.vector_to_array(col(v), "float32").as(v)
              : col(v).cast(DataTypes.createArrayType(DataTypes.FloatType, true)).as(v));
    }
    if (!SchemaHas.column(rows, UnitKeyer.COLUMN)) {
      throw new UserError(where + ": its rows have no " + UnitKeyer.COLUMN + "; refused");
    }
    return rows.select(cols.toArray(new Column[0]));
  }

  private static String summaryFormat(JsonNode summary) {
    return summary.path("settings").path("output_format").asText("parquet");
  }

  private static String abbreviate(String v) {
    return v.length() > 16 ? v.substring(0, 12) + "…" : v;
  }

  /** A column check on a dataset's schema. */
  private static final class SchemaHas {
    static boolean column(Dataset<Row> d, String c) {
      return List.of(d.columns()).contains(c);
    }
  }
}
