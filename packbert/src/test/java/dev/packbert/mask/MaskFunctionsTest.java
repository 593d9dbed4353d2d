package dev.packbert.mask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MaskFunctionsTest {
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("MaskFunctionsTest")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate();
    MaskFunctions.register(spark);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static Dataset<Row> segments() {
    Random r = new Random(3);
    List<Row> rows = new ArrayList<>();
    for (int k = 0; k < 40; k++) {
      int n = 1 + r.nextInt(40);
      List<Integer> seg = new ArrayList<>();
      int id = 1;
      int at = 0;
      while (at < n) {
        int len = 1 + r.nextInt(8);
        for (int i = 0; i < len && at < n; i++, at++) {
          seg.add(r.nextInt(6) == 0 && at > n / 2 ? 0 : id);
        }
        id++;
      }
      rows.add(RowFactory.create(k, seg));
    }
    rows.add(RowFactory.create(999, null));
    StructType schema =
        new StructType(
            new StructField[] {
              DataTypes.createStructField("k", DataTypes.IntegerType, false),
              DataTypes.createStructField(
                  "segment_ids", DataTypes.createArrayType(DataTypes.IntegerType), true)
            });
    return spark.createDataFrame(rows, schema);
  }

  static void checkBruteForce(List<Row> rows) {
    assertEquals(41, rows.size());
    for (Row r : rows) {
      if (r.isNullAt(1)) {
        assertTrue(r.isNullAt(2));
        continue;
      }
      List<Integer> seg = r.getList(1);
      List<scala.collection.Seq<Byte>> m = r.getList(2);
      assertEquals(seg.size(), m.size());
      for (int i = 0; i < seg.size(); i++) {
        List<Byte> mi = scala.collection.JavaConverters.seqAsJavaList(m.get(i));
        assertEquals(seg.size(), mi.size());
        for (int j = 0; j < seg.size(); j++) {
          boolean same = seg.get(i).intValue() == seg.get(j).intValue() && seg.get(i) != 0;
          assertEquals(same ? (byte) 1 : (byte) 0, (byte) mi.get(j));
        }
      }
    }
  }

  @Test
  void byNameInSql() {
    segments().createOrReplaceTempView("segs");
    Dataset<Row> out =
        spark.sql("select k, segment_ids, block_diagonal_mask(segment_ids) as mask from segs");
    assertEquals(
        new ArrayType(new ArrayType(DataTypes.ByteType, false), false),
        out.schema().apply("mask").dataType());
    checkBruteForce(out.collectAsList());
  }

  @Test
  void viaCallUdfAndConstant() {
    Dataset<Row> in = segments();
    checkBruteForce(
        in.select(
                in.col("k"),
                in.col("segment_ids"),
                functions.call_udf("block_diagonal_mask", in.col("segment_ids")))
            .collectAsList());
    checkBruteForce(
        in.select(
                in.col("k"),
                in.col("segment_ids"),
                MaskFunctions.BLOCK_DIAGONAL_MASK.apply(in.col("segment_ids")))
            .collectAsList());
  }
}
