package dev.packbert.ml;

import java.util.Arrays;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The input checks every PackBERT stage makes in {@code transformSchema}, so a pipeline wired
 * wrongly fails before any task runs, with a message that names the stage, the column and what it
 * should be (as Spark's own {@code SchemaUtils} does for {@code ml.feature}).
 */
public final class SchemaChecks {
  private SchemaChecks() {}

  public static boolean has(StructType schema, String column) {
    return Arrays.asList(schema.fieldNames()).contains(column);
  }

  /** The column exists, of any type. */
  public static DataType require(StructType schema, String column, String stage) {
    if (!has(schema, column)) {
      throw new IllegalArgumentException(
          stage
              + " needs column '"
              + column
              + "'; the input has "
              + String.join(", ", schema.fieldNames()));
    }
    return schema.apply(column).dataType();
  }

  public static void requireString(StructType schema, String column, String stage) {
    requireType(schema, column, DataTypes.StringType, stage);
  }

  public static void requireInt(StructType schema, String column, String stage) {
    requireType(schema, column, DataTypes.IntegerType, stage);
  }

  public static void requireIntArray(StructType schema, String column, String stage) {
    DataType t = require(schema, column, stage);
    if (!(t instanceof ArrayType a) || !a.elementType().equals(DataTypes.IntegerType)) {
      throw wrongType(stage, column, "array<int>", t);
    }
  }

  /** A pooled vector column: {@code array<float>} or Spark ML's {@code Vector}. */
  public static void requireVector(StructType schema, String column, String stage) {
    DataType t = require(schema, column, stage);
    boolean floats = t instanceof ArrayType a && a.elementType().equals(DataTypes.FloatType);
    if (!floats && !t.equals(SQLDataTypes.VectorType())) {
      throw wrongType(stage, column, "array<float> or vector", t);
    }
  }

  private static void requireType(StructType schema, String column, DataType want, String stage) {
    DataType t = require(schema, column, stage);
    if (!t.equals(want)) {
      throw wrongType(stage, column, want.simpleString(), t);
    }
  }

  private static IllegalArgumentException wrongType(
      String stage, String column, String want, DataType got) {
    return new IllegalArgumentException(
        stage + ": column '" + column + "' must be " + want + ", is " + got.simpleString());
  }
}
