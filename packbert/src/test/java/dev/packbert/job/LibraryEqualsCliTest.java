package dev.packbert.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.packbert.spark.EmbeddingPipeline;
import dev.packbert.weights.ResolvedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Using the library" pipeline gives the rows {@code packbert embed} writes, row for
 * row, for the options that add stages after the embedder: {@code --over-length split} (windows
 * merged back) and {@code --unit both} (sentences and document rollups), with ML vectors.
 */
class LibraryEqualsCliTest {
  /** Short rows, so that several sample sentences are split into windows. */
  static final int MAX_LEN = 48;

  @TempDir static Path tmp;
  static Path input;
  static Path cliOut;
  static SparkSession spark;

  @BeforeAll
  static void runCli() throws Exception {
    JobRuns.stopLeftoverSpark();
    input = tmp.resolve("docs.jsonl");
    List<String> lines = new ArrayList<>();
    int id = 0;
    for (String text : Files.readAllLines(Path.of(EmbedJobEndToEndTest.SAMPLE))) {
      lines.add(
          "{\"id\": \"d"
              + id++
              + "\", \"text\": "
              + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(text)
              + "}");
    }
    Files.write(input, lines);
    cliOut = tmp.resolve("cli");
    JobRuns.Result r =
        JobRuns.run(
            "embed",
            "--input",
            input.toString(),
            "--output",
            cliOut.toString(),
            "--model",
            "all-minilm-l6-v2",
            "--over-length",
            "split",
            "--max-seq-length",
            String.valueOf(MAX_LEN),
            "--unit",
            "both",
            "--vector-type",
            "ml",
            "--master",
            "local[2]");
    assertEquals(0, r.exit(), r.stderr());
    spark =
        SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false").getOrCreate();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  @Test
  void readmePipelineEqualsTheCliRowForRow() {
    // --- the README's "Using the library", with the options of the CLI run above ---
    ResolvedModel model = ResolvedModel.of("all-minilm-l6-v2");
    EmbeddingPipeline p = EmbeddingPipeline.forModel(model); // its pooling and normalization
    p.packer().setMaxSeqLength(MAX_LEN).setOverLength("split");
    p.vectors().setVectorType("ml");
    Dataset<Row> docs = spark.read().json(input.toString());
    Dataset<Row> sentences = p.sentences().fit(docs).transform(docs);
    Dataset<Row> documents = p.documents().fit(docs).transform(docs);
    // ---

    JsonNodeCounts summary = JsonNodeCounts.of(cliOut);
    assertTrue(summary.splitSentences > 0, "the sample has sentences split into windows");
    assertEquals(0, sentences.where("error is not null").count());
    compare(
        spark.read().parquet(cliOut.resolve("sentences").toString()),
        sentences.drop("error"),
        List.of("doc_id", "sentence_index"));
    compare(
        spark.read().parquet(cliOut.resolve("documents").toString()), documents, List.of("doc_id"));
  }

  /** Same columns, same keys, every cell equal (vectors within float rounding of a repack). */
  private static void compare(Dataset<Row> cli, Dataset<Row> library, List<String> key) {
    assertEquals(List.of(cli.columns()), List.of(library.columns()), "columns");
    Map<String, Row> a = byKey(cli, key);
    Map<String, Row> b = byKey(library, key);
    assertEquals(a.keySet(), b.keySet(), "keys");
    double worst = 0;
    for (Map.Entry<String, Row> e : a.entrySet()) {
      Row x = e.getValue();
      Row y = b.get(e.getKey());
      for (int i = 0; i < x.size(); i++) {
        if (x.get(i) instanceof org.apache.spark.ml.linalg.Vector v) {
          double[] w = ((org.apache.spark.ml.linalg.Vector) y.get(i)).toArray();
          double[] u = v.toArray();
          assertEquals(u.length, w.length);
          for (int k = 0; k < u.length; k++) {
            worst = Math.max(worst, Math.abs(u[k] - w[k]));
          }
        } else {
          assertEquals(x.get(i), y.get(i), e.getKey() + " " + cli.columns()[i]);
        }
      }
    }
    System.out.printf("library vs CLI, %d rows keyed by %s: max |Δ| %.2e%n", a.size(), key, worst);
    assertTrue(worst <= 1e-5, "vectors differ by " + worst);
  }

  private static Map<String, Row> byKey(Dataset<Row> d, List<String> key) {
    Map<String, Row> m = new HashMap<>();
    for (Row r : d.collectAsList()) {
      StringBuilder k = new StringBuilder();
      for (String c : key) {
        k.append(r.get(r.fieldIndex(c))).append('/');
      }
      assertTrue(m.put(k.toString(), r) == null, "duplicate row " + k);
    }
    return m;
  }

  /** The counts of the CLI's summary this test relies on. */
  private record JsonNodeCounts(long splitSentences) {
    static JsonNodeCounts of(Path out) {
      try {
        return new JsonNodeCounts(JobRuns.summary(out).get("split_sentences").asLong());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }
}
