package dev.packbert.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.packbert.engine.Engines;
import dev.packbert.engine.onnx.OnnxRuntimeEngineTest;
import dev.packbert.weights.ModelLoader;
import dev.packbert.weights.ModelRegistry;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code --precision int8} on the onnxruntime engine, on all-MiniLM-L6-v2's real weights: packing
 * does not change a vector (each token is quantized with its own scale), and every sentence stays
 * within a cosine floor of fp32 ONNX Runtime on the model's own .onnx (the independent reference).
 */
class Int8EquivalenceTest {
  /**
   * Measured on 300 europarl sentences: min cosine 0.9903 (mean 0.9984) with every encoder dense
   * layer in int8; the floor leaves a margin for other CPUs' kernels.
   */
  static final double INT8_MIN_COSINE = 0.985;

  private static final EngineOptions INT8 =
      EngineOptions.cpu(2).withEngine(EngineKind.ONNXRUNTIME).withPrecision(Precision.INT8);

  private static List<int[]> sentences(int n) throws Exception {
    List<int[]> out = new ArrayList<>();
    try (HuggingFaceTokenizer tok = ReferenceTexts.uncasedTokenizer()) {
      for (String s : ReferenceTexts.europarlSentences(n)) {
        out.add(ReferenceTexts.ids(tok, s));
      }
    }
    return out;
  }

  private static BertWeights miniLm() {
    return ModelLoader.weights(ModelRegistry.resolve("all-minilm-l6-v2"));
  }

  @Test
  void int8PackedEqualsEachSentenceAlone() throws Exception {
    BertWeights w = miniLm();
    List<int[]> sentences = sentences(24);
    PackedBatch packed = Packing.greedy(sentences, 128);
    assertTrue(packed.rows < sentences.size() / 2, "several sentences per row");
    // the same sentences packed with other row-mates: reversed order
    List<int[]> reversed = new ArrayList<>(sentences);
    java.util.Collections.reverse(reversed);
    PackedBatch other = Packing.greedy(reversed, 128);
    double worst = 0;
    double worstOther = 0;
    try (EmbeddingEngine e = Engines.open(w, INT8)) {
      SentenceVectors v = e.embed(packed, EnumSet.of(Pooling.MEAN, Pooling.CLS));
      SentenceVectors vo = e.embed(other, EnumSet.of(Pooling.MEAN));
      for (int s = 0; s < sentences.size(); s++) {
        SentenceVectors alone =
            e.embed(
                Packing.greedy(List.of(sentences.get(s)), 128),
                EnumSet.of(Pooling.MEAN, Pooling.CLS));
        for (Pooling p : List.of(Pooling.MEAN, Pooling.CLS)) {
          worst =
              Math.max(worst, OnnxRuntimeEngineTest.maxDiff(v.vector(p, s), alone.vector(p, 0)));
        }
        worstOther =
            Math.max(
                worstOther,
                OnnxRuntimeEngineTest.maxDiff(
                    vo.vector(Pooling.MEAN, sentences.size() - 1 - s),
                    alone.vector(Pooling.MEAN, 0)));
      }
    }
    System.out.printf(
        "MiniLM int8 packed vs alone: max abs diff %.2e, other row-mates %.2e%n",
        worst, worstOther);
    assertTrue(worst <= 1e-4, "packed vs alone " + worst);
    assertTrue(worstOther <= 1e-4, "other row-mates vs alone " + worstOther);
  }

  @Test
  void int8StaysWithinItsCosineFloorOfFp32OnnxRuntime() throws Exception {
    BertWeights w = miniLm();
    List<int[]> sentences = sentences(120);
    List<float[]> expected = new ArrayList<>();
    byte[] onnx;
    try (InputStream in =
        Int8EquivalenceTest.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
      onnx = in.readAllBytes();
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession ort = env.createSession(onnx, new OrtSession.SessionOptions())) {
      for (int[] ids : sentences) {
        expected.add(OnnxRuntimeEquivalenceTest.ortMean(env, ort, ids, w.config().hiddenSize()));
      }
    }
    List<float[]> got = new ArrayList<>();
    try (EmbeddingEngine e = Engines.open(w, INT8)) {
      SentenceVectors v = e.embed(Packing.greedy(sentences, 128), EnumSet.of(Pooling.MEAN));
      for (int s = 0; s < sentences.size(); s++) {
        got.add(v.vector(Pooling.MEAN, s));
      }
    }
    double min = 1;
    double sum = 0;
    double worstDiff = 0;
    for (int s = 0; s < sentences.size(); s++) {
      double c = cosine(got.get(s), expected.get(s));
      min = Math.min(min, c);
      sum += c;
      worstDiff = Math.max(worstDiff, OnnxRuntimeEngineTest.maxDiff(got.get(s), expected.get(s)));
    }
    double recall = recallAt10(got, expected);
    System.out.printf(
        "MiniLM int8 vs fp32 ONNX Runtime, %d sentences: min cosine %.5f, mean %.5f, max abs diff"
            + " %.2e, recall@10 %.4f%n",
        sentences.size(), min, sum / sentences.size(), worstDiff, recall);
    assertTrue(min >= INT8_MIN_COSINE, "min cosine " + min);
    // and really int8: fp32 would be within 1e-4
    assertTrue(worstDiff > 1e-3, "int8 vectors equal fp32's: the int8 graph did not run");
  }

  @Test
  void int8IsRefusedOnTensorFlowWithOneLine() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Precision.INT8.requireEngine(EngineKind.TENSORFLOW));
    assertEquals("precision int8 needs engine onnxruntime", e.getMessage());
    Precision.INT8.requireEngine(EngineKind.ONNXRUNTIME);
    assertEquals(Precision.INT8, Precision.parse("int8"));
    assertEquals("int8", Precision.INT8.label());
  }

  /**
   * Each sentence as a query against all: the share of fp32's 10 nearest neighbours (itself
   * excluded) that int8's 10 nearest also hold.
   */
  static double recallAt10(List<float[]> got, List<float[]> expected) {
    int n = got.size();
    int k = Math.min(10, n - 1);
    long hits = 0;
    for (int q = 0; q < n; q++) {
      List<Integer> a = nearest(got, q, k);
      List<Integer> b = nearest(expected, q, k);
      for (int i : a) {
        if (b.contains(i)) {
          hits++;
        }
      }
    }
    return hits / (double) (n * k);
  }

  private static List<Integer> nearest(List<float[]> v, int q, int k) {
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      if (i != q) {
        idx.add(i);
      }
    }
    idx.sort((x, y) -> Double.compare(cosine(v.get(q), v.get(y)), cosine(v.get(q), v.get(x))));
    return idx.subList(0, k);
  }

  static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }
}
