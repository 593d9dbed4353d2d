package dev.packbert.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Spark SQL parquet through hadoop-aws's s3a against a real (local) S3 server, with and without the
 * magic committer.
 */
class S3aSparkTest {
  private static LocalS3Server s3;
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    s3 = LocalS3Server.start();
    SparkSession.Builder b =
        SparkSession.builder()
            .master("local[2]")
            .appName("packbert-s3a-tests")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2");
    s3.sparkConf().forEach(b::config);
    spark = b.getOrCreate();
  }

  @AfterAll
  static void stop() {
    try {
      if (spark != null) {
        spark.stop();
      }
    } finally {
      if (s3 != null) {
        s3.close();
      }
    }
  }

  /** 50 rows (id, text, vector); the expected content is built independently as strings. */
  private static Dataset<Row> frame() {
    StructType schema =
        new StructType()
            .add("id", DataTypes.LongType, false)
            .add("text", DataTypes.StringType, false)
            .add("vector", DataTypes.createArrayType(DataTypes.FloatType, false), false);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      rows.add(
          RowFactory.create(
              (long) i, "sentence " + i + " ünïcödé", List.of((float) i, (float) -i, i / 4f)));
    }
    // 3 partitions: several part files, so the job commit has several task commits to merge
    return spark.createDataFrame(rows, schema).repartition(3);
  }

  private static Set<String> expected() {
    Set<String> s = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      s.add(
          i
              + "|sentence "
              + i
              + " ünïcödé|["
              + (float) i
              + ", "
              + (float) -i
              + ", "
              + (i / 4f)
              + "]");
    }
    return s;
  }

  private static Set<String> asStrings(List<Row> rows) {
    return rows.stream()
        .map(r -> r.getLong(0) + "|" + r.getString(1) + "|" + r.getList(2))
        .collect(Collectors.toCollection(HashSet::new));
  }

  @Test
  void parquetRoundTripThroughS3a() {
    String path = s3.uri("roundtrip/x");
    frame().write().mode(SaveMode.Overwrite).parquet(path);

    // the server itself (not s3a) holds the part files
    List<String> parts =
        s3.keys("roundtrip/x/").stream().filter(k -> k.endsWith(".parquet")).toList();
    assertFalse(parts.isEmpty(), "no parquet objects on the server: " + s3.keys(""));

    List<Row> back = spark.read().parquet(path).collectAsList();
    assertEquals(50, back.size());
    assertEquals(expected(), asStrings(back));
  }

  @Test
  void magicCommitterWritesJsonSuccessMarker() throws Exception {
    Map<String, String> magic = LocalS3Server.magicCommitterSparkConf();
    // The commit protocol and parquet committer are session SQL settings; the committer name is a
    // Hadoop setting,
    // which a write option carries into the job's Hadoop configuration.
    String protocolKey = "spark.sql.sources.commitProtocolClass";
    String parquetKey = "spark.sql.parquet.output.committer.class";
    String oldProtocol = spark.conf().get(protocolKey, null);
    String oldParquet = spark.conf().get(parquetKey, null);
    spark.conf().set(protocolKey, magic.get(protocolKey));
    spark.conf().set(parquetKey, magic.get(parquetKey));
    String path = s3.uri("magic/x");
    try {
      frame()
          .write()
          .mode(SaveMode.Overwrite)
          .option("fs.s3a.committer.name", "magic")
          .option("fs.s3a.committer.magic.enabled", "true")
          .parquet(path);
    } finally {
      restore(protocolKey, oldProtocol);
      restore(parquetKey, oldParquet);
    }

    byte[] success = s3.get("magic/x/_SUCCESS");
    assertNotNull(success, "no _SUCCESS: " + s3.keys("magic/"));
    // FileOutputCommitter writes a 0-byte _SUCCESS; the S3A committers write their SuccessData JSON
    assertTrue(
        success.length > 0, "_SUCCESS is empty: the rename committer ran, not the magic one");
    JsonNode json = new ObjectMapper().readTree(new String(success, StandardCharsets.UTF_8));
    assertEquals("magic", json.path("committer").asText(), json.toString());
    assertTrue(json.path("name").asText().contains("SuccessData"), json.toString());

    // the JSON names exactly the part files that are on the server
    Set<String> named = new HashSet<>();
    json.path("filenames").forEach(n -> named.add(n.asText().replaceFirst("^/", "")));
    Set<String> parts =
        s3.keys("magic/x/").stream()
            .filter(k -> k.endsWith(".parquet"))
            .collect(Collectors.toSet());
    assertFalse(parts.isEmpty());
    assertEquals(parts, named);
    // the magic staging area is cleaned up after the job commit
    assertTrue(s3.keys("magic/x/__magic").isEmpty(), () -> "left behind: " + s3.keys("magic/"));

    List<Row> back = spark.read().parquet(path).collectAsList();
    assertEquals(expected(), asStrings(back));
  }

  private static void restore(String key, String value) {
    if (value == null) {
      spark.conf().unset(key);
    } else {
      spark.conf().set(key, value);
    }
  }
}
