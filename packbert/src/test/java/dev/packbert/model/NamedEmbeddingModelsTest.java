package dev.packbert.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15.BgeSmallEnV15EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallzhv15.BgeSmallZhV15EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.e5smallv2.E5SmallV2EmbeddingModel;
import dev.packbert.engine.tensorflow.TensorFlowEngine;
import dev.packbert.text.BertTokenizer;
import dev.packbert.text.LabelledSentences;
import dev.packbert.text.Vocabulary;
import dev.packbert.weights.ModelDefaults;
import dev.packbert.weights.ModelLoader;
import dev.packbert.weights.ModelRegistry;
import dev.packbert.weights.ModelVocabulary;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * bge-small-en-v1.5, bge-small-zh-v1.5, e5-small-v2 and all-MiniLM-L6-v2, packed several sentences
 * to a row through PackBERT (its tokenizer, its graph, its pooling and normalization), equal on 24
 * real europarl sentences (Chinese ones for bge-small-zh) to two independent references: ONNX
 * Runtime on the model's own .onnx with the model's pooling and torch-style normalization written
 * out here, and langchain4j's EmbeddingModel for that model (its own tokenizer and ORT run; it
 * always L2-normalizes, CLS for BGE, mean for E5).
 */
class NamedEmbeddingModelsTest {
  private static final int SENTENCES = 24;
  private static final double TOLERANCE = 1e-5;

  @Test
  void bgeSmallEnV15EqualsOnnxRuntimeAndLangchain4j() throws Exception {
    check("bge-small-en-v1.5", "", Pooling.CLS, 512, BgeSmallEnV15EmbeddingModel::new);
  }

  /**
   * Chinese sentences (the labelled sample's, with Latin words, digits and full-width punctuation
   * among the Han) through the Chinese BGE model, whose tokenizer keeps case.
   */
  @Test
  void bgeSmallZhV15OnChineseEqualsOnnxRuntimeAndLangchain4j() throws Exception {
    List<String> chinese =
        LabelledSentences.load(LabelledSentences.SAMPLE).stream()
            .filter(d -> d.lang().equals("zh"))
            .flatMap(d -> d.sentences().stream())
            .limit(SENTENCES)
            .toList();
    check("bge-small-zh-v1.5", chinese, "", Pooling.CLS, 512, BgeSmallZhV15EmbeddingModel::new);
  }

  @Test
  void e5SmallV2WithPassagePrefixEqualsOnnxRuntimeAndLangchain4j() throws Exception {
    check("e5-small-v2", "passage: ", Pooling.MEAN, 512, E5SmallV2EmbeddingModel::new);
  }

  @Test
  void allMiniLmL6V2EqualsOnnxRuntimeAndLangchain4j() throws Exception {
    check("all-minilm-l6-v2", "", Pooling.MEAN, 256, AllMiniLmL6V2EmbeddingModel::new);
  }

  private void check(
      String name,
      String prefix,
      Pooling expectedPooling,
      int maxLength,
      Supplier<EmbeddingModel> langchain4j)
      throws Exception {
    check(
        name,
        ReferenceTexts.europarlSentences(SENTENCES),
        prefix,
        expectedPooling,
        maxLength,
        langchain4j);
  }

  private void check(
      String name,
      List<String> sentences,
      String prefix,
      Pooling expectedPooling,
      int maxLength,
      Supplier<EmbeddingModel> langchain4j)
      throws Exception {
    ModelDefaults own = ModelDefaults.of(name, Map.of());
    assertEquals(EnumSet.of(expectedPooling), own.pooling(), name + " pooling");
    assertTrue(own.normalize(), name + " normalizes");
    assertEquals(maxLength, own.maxSeqLength());

    Path dir = ModelRegistry.resolve(name);
    List<String> texts = new ArrayList<>();
    for (String s : sentences) {
      texts.add(prefix + s);
    }
    ModelVocabulary vocab = ModelVocabulary.read(dir);
    BertTokenizer ours = new BertTokenizer(Vocabulary.of(vocab.tokens()), vocab.lowerCase());
    List<int[]> ids = texts.stream().map(ours::encode).toList();

    PackedBatch packed = Packing.greedy(ids, 128);
    assertTrue(packed.rows <= SENTENCES / 3, "several sentences per row: " + packed.rows);
    SentenceVectors got;
    try (TensorFlowEngine engine =
        new TensorFlowEngine(ModelLoader.weights(dir), EngineOptions.cpu(2))) {
      got = engine.embed(packed, EnumSet.of(expectedPooling, Pooling.MAX));
    }
    SentenceVectors normalized = got.normalized();

    List<float[][]> hidden =
        ortHidden(dir.resolve("model.onnx"), dir.resolve("tokenizer.json"), texts, ids);
    EmbeddingModel l4j = langchain4j.get();
    double vsOrt = 0;
    double vsL4j = 0;
    double maxPooling = 0;
    for (int s = 0; s < texts.size(); s++) {
      float[][] tokens = hidden.get(s);
      float[] reference = torchNormalize(expectedPooling == Pooling.CLS ? tokens[0] : mean(tokens));
      float[] mine = normalized.vector(expectedPooling, s);
      vsOrt = Math.max(vsOrt, maxAbsDiff(mine, reference));
      vsL4j = Math.max(vsL4j, maxAbsDiff(mine, l4j.embed(texts.get(s)).content().vector()));
      maxPooling = Math.max(maxPooling, maxAbsDiff(got.vector(Pooling.MAX, s), max(tokens)));
      assertEquals(1.0, norm(mine), 1e-5, "unit length");
    }
    System.out.printf(
        "%s packed (%d rows for %d sentences): max |Δ| vs ONNX Runtime %.2e, vs langchain4j %.2e,"
            + " max pooling vs ONNX Runtime %.2e%n",
        name, packed.rows, texts.size(), vsOrt, vsL4j, maxPooling);
    assertTrue(vsOrt <= TOLERANCE, name + " vs ONNX Runtime: " + vsOrt);
    assertTrue(vsL4j <= TOLERANCE, name + " vs langchain4j: " + vsL4j);
    assertTrue(maxPooling <= 1e-4, name + " max pooling vs ONNX Runtime: " + maxPooling);
  }

  /**
   * Each text alone through ONNX Runtime, ids from HuggingFace's tokenizer for the model (which
   * must agree with PackBERT's, else the comparison would be meaningless).
   */
  private static List<float[][]> ortHidden(
      Path onnx, Path tokenizerJson, List<String> texts, List<int[]> ourIds) throws Exception {
    List<float[][]> out = new ArrayList<>();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (HuggingFaceTokenizer hf =
            HuggingFaceTokenizer.newInstance(
                tokenizerJson,
                Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false"));
        OrtSession ort = env.createSession(onnx.toString(), new OrtSession.SessionOptions())) {
      Set<String> inputs = ort.getInputNames();
      for (int t = 0; t < texts.size(); t++) {
        long[] ids = hf.encode(texts.get(t)).getIds();
        assertEquals(ourIds.get(t).length, ids.length, "token count of: " + texts.get(t));
        for (int i = 0; i < ids.length; i++) {
          assertEquals(ourIds.get(t)[i], (int) ids[i], "token " + i + " of: " + texts.get(t));
        }
        int n = ids.length;
        long[] ones = new long[n];
        java.util.Arrays.fill(ones, 1);
        long[] shape = {1, n};
        try (OnnxTensor in = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
            OnnxTensor mask = OnnxTensor.createTensor(env, LongBuffer.wrap(ones), shape);
            OnnxTensor types = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[n]), shape)) {
          Map<String, OnnxTensor> feed = new java.util.HashMap<>();
          feed.put("input_ids", in);
          feed.put("attention_mask", mask);
          if (inputs.contains("token_type_ids")) {
            feed.put("token_type_ids", types);
          }
          try (OrtSession.Result r = ort.run(feed)) {
            out.add(((float[][][]) r.get(0).getValue())[0]);
          }
        }
      }
    }
    return out;
  }

  private static float[] mean(float[][] tokens) {
    float[] m = new float[tokens[0].length];
    for (float[] t : tokens) {
      for (int d = 0; d < m.length; d++) {
        m[d] += t[d] / tokens.length;
      }
    }
    return m;
  }

  private static float[] max(float[][] tokens) {
    float[] m = tokens[0].clone();
    for (float[] t : tokens) {
      for (int d = 0; d < m.length; d++) {
        m[d] = Math.max(m[d], t[d]);
      }
    }
    return m;
  }

  /** torch.nn.functional.normalize(x, p=2, dim=-1): x / max(‖x‖, 1e-12), in float32. */
  private static float[] torchNormalize(float[] v) {
    float sq = 0;
    for (float x : v) {
      sq += x * x;
    }
    float n = Math.max((float) Math.sqrt(sq), 1e-12f);
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] / n;
    }
    return out;
  }

  private static double norm(float[] v) {
    double sq = 0;
    for (float x : v) {
      sq += (double) x * x;
    }
    return Math.sqrt(sq);
  }

  private static double maxAbsDiff(float[] a, float[] b) {
    assertEquals(a.length, b.length, "dimension");
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs(a[i] - b[i]));
    }
    return worst;
  }
}
