package dev.packbert.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.packbert.model.GoogleBertReference;
import dev.packbert.model.ReferenceTexts;
import dev.packbert.weights.ModelRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's job on the 24-sentence sample, end to end through the CLI on local Spark, checked
 * against Google's original graph run sentence by sentence.
 */
class EmbedJobEndToEndTest {
  static final String SAMPLE = "src/main/resources/sample/europarl-en-24.txt";
  @TempDir static Path tmp;
  static Path packedOut;
  static Path unpackedOut;
  static SparkSession spark;

  @BeforeAll
  static void runJobs() {
    packedOut = tmp.resolve("packed");
    unpackedOut = tmp.resolve("unpacked");
    assertEquals(
        0,
        PackBertCli.execute(
            "embed",
            "--input",
            SAMPLE,
            "--output",
            packedOut.toString(),
            "--split",
            "none",
            "--packing",
            "spfhp",
            "--pooling",
            "cls,mean,pooler",
            // compared with Google's graph below; the CLI's default model is all-minilm-l6-v2
            "--model",
            "bert-base-uncased",
            "--master",
            "local[2]"));
    assertEquals(
        0,
        PackBertCli.execute(
            "embed",
            "--input",
            SAMPLE,
            "--output",
            unpackedOut.toString(),
            "--split",
            "none",
            "--packing",
            "none",
            "--pooling",
            "cls,mean,pooler",
            // compared with Google's graph below; the CLI's default model is all-minilm-l6-v2
            "--model",
            "bert-base-uncased",
            "--master",
            "local[2]"));
    spark =
        SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false").getOrCreate();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  static Map<String, Row> byKey(Path out) {
    Map<String, Row> m = new HashMap<>();
    for (Row r : spark.read().parquet(out.resolve("sentences").toString()).collectAsList()) {
      String key =
          r.getString(r.fieldIndex("doc_id")) + "/" + r.getInt(r.fieldIndex("sentence_index"));
      assertTrue(m.put(key, r) == null, "duplicate output row " + key);
    }
    return m;
  }

  @Test
  void everyInputLineIsAccountedForInOutputAndSummary() throws Exception {
    List<String> lines = Files.readAllLines(Path.of(SAMPLE));
    Map<String, Row> rows = byKey(packedOut);
    assertEquals(lines.size(), rows.size());
    for (int i = 0; i < lines.size(); i++) {
      Row r = rows.get(i + "/0");
      assertTrue(r != null, "line " + i + " missing from the output");
      assertEquals(lines.get(i), r.getString(r.fieldIndex("text")));
    }
    JsonNode summary =
        new ObjectMapper().readTree(packedOut.resolve("_packbert_summary.json").toFile());
    assertEquals(lines.size(), summary.get("input_rows").asInt());
    assertEquals(lines.size(), summary.get("sentences").asInt());
    assertEquals(0, summary.get("rejected_rows").asInt());
    assertEquals(0, summary.get("failed_rows").asInt());
    assertTrue(
        summary.get("packed_rows").asInt() < lines.size(),
        "sentences were packed several to a row");
    assertTrue(summary.get("padding_efficiency").asDouble() > 0.5);
    // narrow rows (the default) count their 64 slots: some rows here are narrow, so the vector
    // comparisons below cover both widths
    assertTrue(
        summary.get("token_slots").asLong() < summary.get("packed_rows").asLong() * 128,
        "some rows are half wide");
  }

  @Test
  void packedVectorsEqualGoogleGraphRunPerSentence() throws Exception {
    Map<String, Row> rows = byKey(packedOut);
    double worst = 0;
    try (GoogleBertReference google =
            new GoogleBertReference(ModelRegistry.resolve("bert-base-uncased"));
        HuggingFaceTokenizer tok = ReferenceTexts.uncasedTokenizer()) {
      for (Row r : rows.values()) {
        assertFalse(r.getBoolean(r.fieldIndex("truncated")));
        int[] ids = ReferenceTexts.ids(tok, r.getString(r.fieldIndex("text")));
        assertEquals(ids.length, r.getInt(r.fieldIndex("num_tokens")));
        float[][] exp = GoogleBertReference.poolings(google.run(ids), ids.length, 768);
        String[] cols = {"cls", "mean", "pooler"};
        for (int p = 0; p < 3; p++) {
          List<Float> got = r.getList(r.fieldIndex(cols[p]));
          assertEquals(768, got.size());
          for (int i = 0; i < 768; i++) {
            worst = Math.max(worst, Math.abs(got.get(i) - exp[p][i]));
          }
        }
      }
    }
    System.out.printf("job output vs Google graph: max abs diff %.2e%n", worst);
    assertTrue(worst <= 1e-4, "max abs diff " + worst);
  }

  @Test
  void packedAndUnpackedRunsAgree() {
    Map<String, Row> a = byKey(packedOut);
    Map<String, Row> b = byKey(unpackedOut);
    assertEquals(a.keySet(), b.keySet());
    double worst = 0;
    for (String k : a.keySet()) {
      for (String c : List.of("cls", "mean", "pooler")) {
        List<Float> x = a.get(k).getList(a.get(k).fieldIndex(c));
        List<Float> y = b.get(k).getList(b.get(k).fieldIndex(c));
        for (int i = 0; i < x.size(); i++) {
          worst = Math.max(worst, Math.abs(x.get(i) - y.get(i)));
        }
      }
    }
    assertTrue(worst <= 1e-4, "packed vs unpacked max abs diff " + worst);
  }

  @Test
  void badCommandLinesExitNonZeroWithOneLine() {
    assertOneLineError(
        List.of("embed", "--input", "/no/such/file.txt", "--output", tmp.resolve("x").toString()),
        "no such file");
    assertOneLineError(
        List.of(
            "embed",
            "--input",
            SAMPLE,
            "--output",
            tmp.resolve("y").toString(),
            "--model",
            "no-such-model"),
        "no-such-model");
    assertOneLineError(
        List.of(
            "embed", "--input", SAMPLE, "--output", tmp.resolve("z").toString(), "--frobnicate"),
        "--frobnicate");
    assertOneLineError(
        List.of(
            "embed",
            "--input",
            SAMPLE,
            "--output",
            tmp.resolve("w").toString(),
            "--packing",
            "magic"),
        "--packing");
  }

  static void assertOneLineError(List<String> args, String mentions) {
    PrintStream saved = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      code = PackBertCli.execute(args.toArray(new String[0]));
    } finally {
      System.setErr(saved);
    }
    String text = err.toString(StandardCharsets.UTF_8).strip();
    assertTrue(code != 0, "exit code for " + args);
    assertEquals(1, text.lines().count(), "one line expected, got:\n" + text);
    assertTrue(text.contains(mentions), "'" + text + "' should mention " + mentions);
  }
}
