package dev.packbert.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.packbert.weights.ModelLoader;
import dev.packbert.weights.ModelRegistry;
import java.io.InputStream;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * all-MiniLM-L6-v2 read from its ONNX initializers and run packed through PackBERT's graph equals
 * ONNX Runtime's run of the same .onnx file, mean-pooled per sentence as sentence-transformers
 * does.
 */
class OnnxRuntimeEquivalenceTest {

  @Test
  void packedMiniLmMeanVectorsEqualOnnxRuntime() throws Exception {
    BertWeights w = ModelLoader.weights(ModelRegistry.resolve("all-minilm-l6-v2"));
    int h = w.config().hiddenSize();
    List<int[]> sentences = new ArrayList<>();
    try (HuggingFaceTokenizer tok = ReferenceTexts.uncasedTokenizer()) {
      for (String s : ReferenceTexts.europarlSentences(20)) {
        sentences.add(ReferenceTexts.ids(tok, s));
      }
    }
    byte[] onnx;
    try (InputStream in =
        getClass().getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
      onnx = in.readAllBytes();
    }
    List<float[]> expected = new ArrayList<>();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession ort = env.createSession(onnx, new OrtSession.SessionOptions())) {
      for (int[] ids : sentences) {
        expected.add(ortMean(env, ort, ids, h));
      }
    }
    PackedBatch packed = Packing.greedy(sentences, 128);
    assertTrue(packed.rows < sentences.size() / 2, "several sentences per row");
    double worst = 0;
    try (BertEngine engine = new BertEngine(w, EngineOptions.cpu(2))) {
      SentenceVectors v = engine.embed(packed, EnumSet.of(Pooling.MEAN));
      for (int s = 0; s < sentences.size(); s++) {
        float[] got = v.vector(Pooling.MEAN, s);
        for (int i = 0; i < h; i++) {
          worst = Math.max(worst, Math.abs(got[i] - expected.get(s)[i]));
        }
      }
    }
    System.out.printf("MiniLM packed vs ONNX Runtime: max abs diff %.2e%n", worst);
    assertTrue(worst <= 1e-4, "max abs diff " + worst);
  }

  static float[] ortMean(OrtEnvironment env, OrtSession ort, int[] ids, int h) throws Exception {
    int n = ids.length;
    long[] a = new long[n];
    long[] ones = new long[n];
    for (int i = 0; i < n; i++) {
      a[i] = ids[i];
      ones[i] = 1;
    }
    long[] shape = {1, n};
    try (OnnxTensor in = OnnxTensor.createTensor(env, LongBuffer.wrap(a), shape);
        OnnxTensor mask = OnnxTensor.createTensor(env, LongBuffer.wrap(ones), shape);
        OnnxTensor types = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[n]), shape);
        OrtSession.Result r =
            ort.run(Map.of("input_ids", in, "attention_mask", mask, "token_type_ids", types))) {
      float[][][] hidden = (float[][][]) r.get("output_0").get().getValue();
      float[] mean = new float[h];
      for (int t = 0; t < n; t++) {
        for (int d = 0; d < h; d++) {
          mean[d] += hidden[0][t][d] / n;
        }
      }
      return mean;
    }
  }
}
