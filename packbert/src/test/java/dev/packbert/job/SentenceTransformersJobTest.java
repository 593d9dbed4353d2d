package dev.packbert.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.packbert.model.BertWeights;
import dev.packbert.model.ReferenceBert;
import dev.packbert.model.TinyBert;
import dev.packbert.text.BertTokenizer;
import dev.packbert.text.Vocabulary;
import dev.packbert.weights.SentenceTransformersFolders;
import dev.packbert.weights.TinyVocabulary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.ml.clustering.KMeans;
import org.apache.spark.ml.clustering.KMeansModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on a sentence-transformers folder (tiny BERT, max pooling, Normalize, max_seq_length 16)
 * with {@code --prefix} and {@code --vector-type ml}: the folder's pooling and normalization are
 * used without flags; each sentence's vector equals a naive BERT run on prefix + sentence alone,
 * max-pooled and normalized; spans and text stay the original's; the ml vectors feed KMeans.
 */
class SentenceTransformersJobTest {
  @TempDir static Path tmp;
  static Path out;
  static SparkSession spark;
  static final String PREFIX = "query: ";
  static final Map<String, String> DOCS =
      Map.of(
          "a", "The council and parliament agree on a new budget. We vote for this report today.",
          "b", "It is good. Member states must act now, please. Thank you, president.",
          "c", "Our citizens want clear rules in europe. The debate is closed. Next item.");

  @BeforeAll
  static void run() throws Exception {
    JobRuns.stopLeftoverSpark();
    Path model =
        SentenceTransformersFolders.write(
            tmp.resolve("tiny-st"),
            List.of(
                SentenceTransformersFolders.TRANSFORMER,
                SentenceTransformersFolders.POOLING,
                SentenceTransformersFolders.NORMALIZE),
            "max_tokens",
            16);
    StringBuilder jsonl = new StringBuilder();
    DOCS.forEach(
        (id, text) ->
            jsonl
                .append("{\"id\":\"")
                .append(id)
                .append("\",\"text\":\"")
                .append(text)
                .append("\"}\n"));
    Path input = Files.writeString(tmp.resolve("docs.jsonl"), jsonl);
    // split windows must fit the model's 16-token rows
    Path conf = Files.writeString(tmp.resolve("small.conf"), "packbert { split-stride = 4 }\n");
    out = tmp.resolve("out");
    JobRuns.Result r =
        JobRuns.run(
            "embed",
            "--input",
            input.toString(),
            "--output",
            out.toString(),
            "--model",
            model.toString(),
            "--prefix",
            PREFIX,
            "--vector-type",
            "ml",
            "--unit",
            "both",
            "--config",
            conf.toString(),
            "--master",
            "local[1]");
    assertEquals(0, r.exit(), r.stderr());
    spark =
        SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false").getOrCreate();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  @Test
  void vectorsAreTheFoldersMaxPoolingNormalizedOfPrefixedText() {
    Dataset<Row> sentences = spark.read().parquet(out.resolve("sentences").toString());
    assertEquals(
        List.of("unit_key", "max"),
        List.of(sentences.columns()).subList(7, sentences.columns().length));
    BertWeights w = TinyBert.weights(11, false);
    BertTokenizer tok = new BertTokenizer(Vocabulary.of(TinyVocabulary.TOKENS), true);
    List<Row> rows = sentences.collectAsList();
    assertTrue(rows.size() >= 8, "sentences: " + rows.size());
    double worst = 0;
    for (Row row : rows) {
      String text = row.getString(row.fieldIndex("text"));
      int[] ids = tok.encode(PREFIX + text);
      assertEquals(ids.length, row.getInt(row.fieldIndex("num_tokens")), "prefix tokens counted");
      float[][] hidden = ReferenceBert.lastHidden(w, toLong(ids));
      double[] expected = normalize(maxOverTokens(hidden));
      double[] got = ((Vector) row.get(row.fieldIndex("max"))).toArray();
      for (int i = 0; i < got.length; i++) {
        worst = Math.max(worst, Math.abs(got[i] - expected[i]));
      }
    }
    System.out.printf(
        "sentence-transformers folder (max + Normalize) vs naive BERT: %.2e%n", worst);
    assertTrue(worst <= 1e-5, "max abs diff " + worst);
  }

  @Test
  void prefixLeavesSpansAndTextIntact() {
    for (Row row : spark.read().parquet(out.resolve("sentences").toString()).collectAsList()) {
      String doc = DOCS.get(row.getString(row.fieldIndex("doc_id")));
      String text = row.getString(row.fieldIndex("text"));
      assertTrue(!text.startsWith(PREFIX), text);
      assertEquals(
          text,
          doc.substring(row.getInt(row.fieldIndex("begin")), row.getInt(row.fieldIndex("end"))));
    }
  }

  @Test
  void mlVectorsFeedKMeansAndDocumentsAreNormalizedAfterTheRollup() {
    Dataset<Row> sentences = spark.read().parquet(out.resolve("sentences").toString());
    KMeansModel km = new KMeans().setK(2).setSeed(1).setFeaturesCol("max").fit(sentences);
    assertEquals(2, km.clusterCenters().length);
    assertEquals(sentences.count(), km.transform(sentences).select("prediction").count());
    List<Row> docs = spark.read().parquet(out.resolve("documents").toString()).collectAsList();
    assertEquals(DOCS.keySet(), docs.stream().map(r -> r.getString(0)).collect(Collectors.toSet()));
    for (Row d : docs) {
      double[] v = ((Vector) d.get(d.fieldIndex("max"))).toArray();
      assertEquals(1.0, Math.sqrt(java.util.Arrays.stream(v).map(x -> x * x).sum()), 1e-6);
    }
  }

  private static float[] maxOverTokens(float[][] hidden) {
    float[] m = hidden[0].clone();
    for (float[] t : hidden) {
      for (int d = 0; d < m.length; d++) {
        m[d] = Math.max(m[d], t[d]);
      }
    }
    return m;
  }

  private static double[] normalize(float[] v) {
    double sq = 0;
    for (float x : v) {
      sq += (double) x * x;
    }
    double n = Math.max(Math.sqrt(sq), 1e-12);
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] / n;
    }
    return out;
  }

  private static long[] toLong(int[] a) {
    long[] l = new long[a.length];
    for (int i = 0; i < a.length; i++) {
      l[i] = a[i];
    }
    return l;
  }
}
