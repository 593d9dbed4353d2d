package dev.packbert.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15.BgeSmallEnV15EmbeddingModel;
import dev.packbert.model.ReferenceTexts;
import dev.packbert.weights.ModelRegistry;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/**
 * The peer bench's hand-written ORT job pools as the model does: normalized, its vectors equal
 * langchain4j's EmbeddingModel for the model (its own tokenizer and ORT run) — mean for MiniLM,
 * [CLS] for bge-small. Called on one partition's rows directly, without Spark.
 */
class HandWrittenOrtJobTest {
  @Test
  void meanPoolingEqualsLangchain4jOnMiniLm() throws Exception {
    check("all-minilm-l6-v2", false, new AllMiniLmL6V2EmbeddingModel());
  }

  @Test
  void clsPoolingEqualsLangchain4jOnBgeSmall() throws Exception {
    check("bge-small-en-v1.5", true, new BgeSmallEnV15EmbeddingModel());
  }

  private static void check(String model, boolean cls, EmbeddingModel reference) throws Exception {
    List<String> texts = ReferenceTexts.europarlSentences(12);
    List<Row> rows = new ArrayList<>();
    // out of length order, so the job's sort and restore are exercised
    for (int i = texts.size() - 1; i >= 0; i--) {
      rows.add(RowFactory.create(i, texts.get(i)));
    }
    HandWrittenOrtJob job = new HandWrittenOrtJob(ModelRegistry.resolve(model), 1, 4, cls);
    Iterator<Row> out = job.call(rows.iterator());
    int seen = 0;
    double worst = 0;
    while (out.hasNext()) {
      Row r = out.next();
      float[] got = normalized(r.getAs(1));
      float[] want = reference.embed(texts.get(r.getInt(0))).content().vector();
      assertEquals(want.length, got.length);
      for (int d = 0; d < got.length; d++) {
        worst = Math.max(worst, Math.abs(got[d] - want[d]));
      }
      seen++;
    }
    assertEquals(texts.size(), seen);
    assertTrue(worst <= 1e-5, model + " vs langchain4j: " + worst);
  }

  private static float[] normalized(float[] v) {
    double sq = 0;
    for (float x : v) {
      sq += (double) x * x;
    }
    float n = (float) Math.sqrt(sq);
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] / n;
    }
    return out;
  }
}
