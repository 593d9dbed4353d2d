package dev.packbert.pack;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The output schema of {@link SentencePacker}. */
public final class PackedSchema {
  private PackedSchema() {}

  public static final StructType SENTENCE =
      new StructType(
          new StructField[] {
            DataTypes.createStructField("doc_id", DataTypes.StringType, true),
            DataTypes.createStructField("sentence_index", DataTypes.IntegerType, false),
            DataTypes.createStructField("begin", DataTypes.IntegerType, false),
            DataTypes.createStructField("end", DataTypes.IntegerType, false),
            DataTypes.createStructField("text", DataTypes.StringType, true),
            DataTypes.createStructField("offset", DataTypes.IntegerType, false),
            DataTypes.createStructField("length", DataTypes.IntegerType, false),
            DataTypes.createStructField("num_tokens", DataTypes.IntegerType, false),
            DataTypes.createStructField("truncated", DataTypes.BooleanType, false),
            DataTypes.createStructField("part", DataTypes.IntegerType, false),
            DataTypes.createStructField("num_parts", DataTypes.IntegerType, false),
            DataTypes.createStructField("unit_key", DataTypes.StringType, true),
          });

  public static final StructType ROW =
      new StructType(
          new StructField[] {
            DataTypes.createStructField(
                "input_ids", DataTypes.createArrayType(DataTypes.IntegerType, false), false),
            DataTypes.createStructField(
                "segment_ids", DataTypes.createArrayType(DataTypes.IntegerType, false), false),
            DataTypes.createStructField(
                "position_ids", DataTypes.createArrayType(DataTypes.IntegerType, false), false),
            DataTypes.createStructField(
                "token_type_ids", DataTypes.createArrayType(DataTypes.IntegerType, false), false),
            DataTypes.createStructField("num_real_tokens", DataTypes.IntegerType, false),
            DataTypes.createStructField(
                "sentences", DataTypes.createArrayType(SENTENCE, false), false),
          });
}
