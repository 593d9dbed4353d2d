package dev.packbert.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.packbert.job.PackBertCli;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code packbert embed} from s3a:// to s3a://, committing through the S3A magic committer; a
 * second run reuses the first one's output from s3a ({@code --reuse s3a://...}).
 */
class S3aEmbedJobTest {
  /** Six documents; sentence counts by hand: 2 + 1 + 3 + 1 + 2 + 1 = 10. */
  private static final List<String> DOCS =
      List.of(
          "The cat sat on the mat. It was warm there.",
          "Spark runs jobs on many machines.",
          "Packing removes padding. Attention stays within each sentence. The results match.",
          "Hello world!",
          "Is this the last line? No, there is one more.",
          "Embeddings are vectors of numbers.");

  private static final int[] SENTENCES_PER_DOC = {2, 1, 3, 1, 2, 1};

  private static LocalS3Server s3;

  @BeforeAll
  static void start() {
    s3 = LocalS3Server.start();
  }

  @AfterAll
  static void stop() {
    s3.close();
  }

  @Test
  void embedsFromS3aToS3aWithTheMagicCommitter() throws Exception {
    s3.put("in/docs.txt", (String.join("\n", DOCS) + "\n").getBytes(StandardCharsets.UTF_8));

    List<String> args =
        new ArrayList<>(
            List.of(
                "embed",
                "--input",
                s3.uri("in/docs.txt"),
                "--output",
                s3.uri("out"),
                "--model",
                "all-minilm-l6-v2",
                "--master",
                "local[2]",
                "--partitions",
                "2",
                "--conf",
                "spark.ui.enabled=false",
                "--conf",
                "spark.sql.shuffle.partitions=2"));
    args.addAll(s3.confArgs(LocalS3Server.magicCommitterSparkConf()));
    assertEquals(0, PackBertCli.execute(args.toArray(new String[0])));

    // the summary, read from the server, accounts for every input line
    byte[] summaryBytes = s3.get("out/_packbert_summary.json");
    assertNotNull(summaryBytes, "no summary: " + s3.keys("out/"));
    JsonNode summary = new ObjectMapper().readTree(summaryBytes);
    assertEquals(DOCS.size(), summary.path("input_rows").asLong(), summary.toString());
    assertEquals(
        DOCS.size(), summary.path("documents").asLong() + summary.path("rejected_rows").asLong());
    assertEquals(0, summary.path("rejected_rows").asLong(), summary.toString());
    assertEquals(10, summary.path("sentences").asLong(), summary.toString());
    assertEquals(0, summary.path("failed_rows").asLong(), summary.toString());

    // the job's parquet went through the magic committer (the rename committer leaves a 0-byte
    // _SUCCESS)
    byte[] success = s3.get("out/sentences/_SUCCESS");
    assertNotNull(success, () -> "no _SUCCESS: " + s3.keys("out/"));
    assertEquals("magic", new ObjectMapper().readTree(success).path("committer").asText());
    assertFalse(s3.keys("out/_rejected/").isEmpty(), "no _rejected output: " + s3.keys("out/"));

    // the next run reuses that output from s3a (issue 25): every unit found there, none embedded
    List<String> again = new ArrayList<>(args);
    again.set(again.indexOf(s3.uri("out")), s3.uri("out2"));
    again.addAll(List.of("--reuse", s3.uri("out")));
    assertEquals(0, PackBertCli.execute(again.toArray(new String[0])));
    byte[] summary2 = s3.get("out2/_packbert_summary.json");
    assertNotNull(summary2, "no summary: " + s3.keys("out2/"));
    JsonNode reuse = new ObjectMapper().readTree(summary2);
    assertEquals(0, reuse.path("embedded_units").asLong(), reuse.toString());
    assertTrue(reuse.path("distinct_units").asLong() > 0, reuse.toString());
    assertEquals(
        reuse.path("distinct_units").asLong(),
        reuse.path("reused_units").asLong(),
        reuse.toString());

    // one row per sentence, read back through s3a by a fresh session (the job stopped its own)
    SparkSession.Builder b =
        SparkSession.builder()
            .master("local[1]")
            .appName("packbert-s3a-readback")
            .config("spark.ui.enabled", "false");
    s3.sparkConf().forEach(b::config);
    SparkSession spark = b.getOrCreate();
    try {
      List<Row> rows =
          spark
              .read()
              .parquet(s3.uri("out/sentences"))
              .select("doc_id", "sentence_index", "text", "mean", "unit_key")
              .collectAsList();
      assertEquals(10, rows.size());
      Map<String, Row> reusedRows = new TreeMap<>();
      for (Row r : spark.read().parquet(s3.uri("out2/sentences")).collectAsList()) {
        reusedRows.put(r.getAs("doc_id") + "/" + r.getAs("sentence_index"), r);
      }
      assertEquals(rows.size(), reusedRows.size());
      for (Row r : rows) {
        Row same = reusedRows.get(r.getString(0) + "/" + r.getInt(1));
        assertEquals(r.getString(4), same.<String>getAs("unit_key"));
        assertEquals(
            r.getList(3), same.getList(same.fieldIndex("mean")), "a reused vector is copied");
      }
      Map<String, List<Integer>> indexes = new TreeMap<>();
      for (Row r : rows) {
        indexes.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(r.getInt(1));
        assertFalse(r.getString(2).isBlank());
        assertEquals(384, r.getList(3).size(), "MiniLM vectors have 384 dimensions");
      }
      Map<String, List<Integer>> expected = new TreeMap<>();
      for (int d = 0; d < SENTENCES_PER_DOC.length; d++) {
        List<Integer> ix = new ArrayList<>();
        for (int i = 0; i < SENTENCES_PER_DOC[d]; i++) {
          ix.add(i);
        }
        expected.put(Integer.toString(d), ix);
      }
      indexes.values().forEach(l -> l.sort(null));
      assertEquals(expected, indexes);
      assertTrue(
          rows.stream()
              .anyMatch(r -> r.getString(2).equals("Attention stays within each sentence.")),
          "sentence texts are the input's");
    } finally {
      spark.stop();
    }
  }

  /**
   * {@code --model s3a://...}: the model directory is read through s3a with the endpoint given only
   * as --conf — on the driver before Spark starts and on the executors — and gives the named
   * model's vectors.
   */
  @Test
  void readsTheModelDirectoryFromS3aWithTheJobsConf() throws Exception {
    java.nio.file.Path named = dev.packbert.weights.ModelRegistry.resolve("all-minilm-l6-v2");
    for (String f : List.of("model.onnx", "tokenizer.json")) {
      s3.put("models/minilm/" + f, java.nio.file.Files.readAllBytes(named.resolve(f)));
    }
    s3.put("in2/docs.txt", (String.join("\n", DOCS) + "\n").getBytes(StandardCharsets.UTF_8));
    java.nio.file.Path tmp = java.nio.file.Files.createTempDirectory("packbert-s3a-model");
    java.util.Map<String, float[]> byModel = new java.util.HashMap<>();
    for (String model : List.of(s3.uri("models/minilm"), "all-minilm-l6-v2")) {
      java.nio.file.Path out = tmp.resolve(model.startsWith("s3a") ? "remote" : "named");
      List<String> args =
          new ArrayList<>(
              List.of(
                  "embed",
                  "--input",
                  s3.uri("in2/docs.txt"),
                  "--output",
                  out.toString(),
                  "--output-format",
                  "json",
                  "--model",
                  model,
                  "--master",
                  "local[2]",
                  "--conf",
                  "spark.ui.enabled=false",
                  "--split",
                  "none",
                  // a bare copy of the files carries no sentence-transformers config, while the
                  // named model brings its own normalization: ask for it on both
                  "--normalize"));
      args.addAll(s3.confArgs());
      assertEquals(0, PackBertCli.execute(args.toArray(new String[0])), model);
      try (var parts = java.nio.file.Files.list(out.resolve("sentences"))) {
        for (java.nio.file.Path part : parts.filter(f -> f.toString().endsWith(".json")).toList()) {
          for (String line : java.nio.file.Files.readAllLines(part)) {
            JsonNode n = new ObjectMapper().readTree(line);
            float[] v = new float[n.get("mean").size()];
            for (int k = 0; k < v.length; k++) {
              v[k] = (float) n.get("mean").get(k).asDouble();
            }
            byModel.put(model.startsWith("s3a") + "/" + n.get("doc_id").asText(), v);
          }
        }
      }
    }
    assertEquals(2 * DOCS.size(), byModel.size(), byModel.keySet().toString());
    for (int d = 0; d < DOCS.size(); d++) {
      org.junit.jupiter.api.Assertions.assertArrayEquals(
          byModel.get("false/" + d),
          byModel.get("true/" + d),
          1e-6f,
          "document " + d + ": the model from s3a gives the named model's vector");
    }
  }
}
