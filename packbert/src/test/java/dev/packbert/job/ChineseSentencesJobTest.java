package dev.packbert.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallzhv15.BgeSmallZhV15EmbeddingModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Chinese run: {@code packbert embed --model bge-small-zh-v1.5} (the default language
 * is auto) on three Chinese documents writes one row per sentence (8), each at the model's own
 * [CLS] pooling, normalized, and equal to langchain4j's BgeSmallZhV15EmbeddingModel on that
 * sentence alone.
 */
class ChineseSentencesJobTest {
  @TempDir static Path tmp;
  static Path out;
  static SparkSession spark;
  static final List<String> DOCS =
      List.of("今天天气很好。我们去公园散步吧！你觉得怎么样？", "这本书我已经读完了。故事非常感人！", "会议改到明天下午三点。请大家准时参加。有问题吗？");

  @BeforeAll
  static void run() throws Exception {
    JobRuns.stopLeftoverSpark();
    StringBuilder jsonl = new StringBuilder();
    for (int i = 0; i < DOCS.size(); i++) {
      jsonl.append("{\"id\":\"zh").append(i).append("\",\"text\":\"").append(DOCS.get(i));
      jsonl.append("\"}\n");
    }
    Path input = Files.writeString(tmp.resolve("docs.jsonl"), jsonl);
    out = tmp.resolve("out");
    JobRuns.Result r =
        JobRuns.run(
            "embed",
            "--input",
            input.toString(),
            "--output",
            out.toString(),
            "--model",
            "bge-small-zh-v1.5",
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
  void oneNormalizedClsRowPerSentenceEqualToLangchain4j() {
    List<Row> rows =
        spark
            .read()
            .parquet(out.resolve("sentences").toString())
            .orderBy("doc_id", "sentence_index")
            .collectAsList();
    assertEquals(8, rows.size(), "one row per sentence");
    assertEquals("今天天气很好。", rows.get(0).getString(rows.get(0).fieldIndex("text")));
    assertEquals("你觉得怎么样？", rows.get(2).getString(rows.get(2).fieldIndex("text")));
    EmbeddingModel l4j = new BgeSmallZhV15EmbeddingModel();
    double worst = 0;
    for (Row row : rows) {
      int doc = Integer.parseInt(row.getString(row.fieldIndex("doc_id")).substring(2));
      String text = row.getString(row.fieldIndex("text"));
      int begin = row.getInt(row.fieldIndex("begin"));
      int end = row.getInt(row.fieldIndex("end"));
      assertEquals(DOCS.get(doc).substring(begin, end), text);
      List<Float> v = row.getList(row.fieldIndex("cls"));
      double norm = 0;
      for (float f : v) {
        norm += (double) f * f;
      }
      assertEquals(1.0, Math.sqrt(norm), 1e-5, text);
      float[] ref = l4j.embed(text).content().vector();
      for (int i = 0; i < ref.length; i++) {
        worst = Math.max(worst, Math.abs(ref[i] - v.get(i)));
      }
    }
    assertTrue(worst < 1e-5, "max |d| vs langchain4j: " + worst);
  }
}
