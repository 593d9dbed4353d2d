package dev.packbert.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reads documents in any supported format into {@code (__id string, __text string, __unreadable
 * string)}; {@code __unreadable} names why a row could not be parsed (it is then rejected, not
 * lost).
 */
final class InputReader {
  static final String ID = "__id";
  static final String TEXT = "__text";
  static final String UNREADABLE = "__unreadable";
  private static final String CORRUPT = "_corrupt_record";

  private InputReader() {}

  static Dataset<Row> read(SparkSession spark, EmbedSettings s) {
    if (s.inputFormat().equals("text")) {
      return withLineNumbers(
          spark, spark.read().text(s.input()).select(col("value")), "value", null);
    }
    Dataset<Row> raw =
        switch (s.inputFormat()) {
          case "jsonl" ->
              spark
                  .read()
                  .option("mode", "PERMISSIVE")
                  .option("columnNameOfCorruptRecord", CORRUPT)
                  .json(s.input());
          case "parquet" -> spark.read().parquet(s.input());
          case "csv" ->
              spark
                  .read()
                  .option("header", "true")
                  .option("multiLine", "true")
                  .option("escape", "\"")
                  .option("mode", "PERMISSIVE")
                  .option("columnNameOfCorruptRecord", CORRUPT)
                  .csv(s.input());
          default -> throw new UserError("unknown input format " + s.inputFormat());
        };
    List<String> columns = Arrays.asList(raw.columns());
    if (!columns.contains(s.textCol())) {
      throw new UserError(
          "unknown column '" + s.textCol() + "' (--text-col); the input has " + visible(columns));
    }
    boolean hasId = columns.contains(s.idCol());
    if (!hasId && s.idColGiven()) {
      throw new UserError(
          "unknown column '" + s.idCol() + "' (--id-col); the input has " + visible(columns));
    }
    String corrupt = columns.contains(CORRUPT) ? CORRUPT : null;
    if (!hasId) {
      return withLineNumbers(spark, raw, s.textCol(), corrupt);
    }
    return raw.select(
        col(s.idCol()).cast("string").as(ID),
        col(s.textCol()).cast("string").as(TEXT),
        corrupt == null
            ? lit(null).cast("string").as(UNREADABLE)
            : org.apache
                .spark
                .sql
                .functions
                .when(col(CORRUPT).isNotNull(), lit("unparseable_record"))
                .as(UNREADABLE));
  }

  private static List<String> visible(List<String> columns) {
    return columns.stream().filter(c -> !c.equals(CORRUPT)).toList();
  }

  /**
   * Documents without an id column get their 0-based row number, stable across reruns of the same
   * input.
   */
  private static Dataset<Row> withLineNumbers(
      SparkSession spark, Dataset<Row> raw, String textCol, String corrupt) {
    Dataset<Row> two =
        raw.select(
            col(textCol).cast("string"), corrupt == null ? lit(null).cast("string") : col(corrupt));
    JavaRDD<Row> rows =
        two.javaRDD()
            .zipWithIndex()
            .map(
                t ->
                    RowFactory.create(
                        Long.toString(t._2()),
                        t._1().getString(0),
                        t._1().isNullAt(1) ? null : "unparseable_record"));
    StructType schema =
        new StructType()
            .add(ID, DataTypes.StringType, false)
            .add(TEXT, DataTypes.StringType, true)
            .add(UNREADABLE, DataTypes.StringType, true);
    return spark.createDataFrame(rows, schema);
  }
}
