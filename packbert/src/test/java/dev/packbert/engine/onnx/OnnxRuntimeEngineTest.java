package dev.packbert.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.packbert.engine.Engines;
import dev.packbert.model.BertConfig;
import dev.packbert.model.BertWeights;
import dev.packbert.model.EmbeddingEngine;
import dev.packbert.model.EngineKind;
import dev.packbert.model.EngineOptions;
import dev.packbert.model.OnnxRuntimeEquivalenceTest;
import dev.packbert.model.PackedBatch;
import dev.packbert.model.Packing;
import dev.packbert.model.Pooling;
import dev.packbert.model.Precision;
import dev.packbert.model.ReferenceTexts;
import dev.packbert.model.SentenceVectors;
import dev.packbert.model.TinyBert;
import dev.packbert.weights.ModelLoader;
import dev.packbert.weights.ModelRegistry;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The ONNX Runtime engine on PackBERT's own ONNX graph: equal to ONNX Runtime running
 * all-MiniLM-L6-v2's own .onnx file on single sentences, and equal to the TensorFlow engine on the
 * same packed rows. (Any 2D mask and restarted positions against a plain-Java BERT: TinyModelTest,
 * on both engines.)
 */
public class OnnxRuntimeEngineTest {
  private static final EngineOptions ORT = EngineOptions.cpu(2).withEngine(EngineKind.ONNXRUNTIME);

  @Test
  void tinyModelPackedEqualsTensorFlowForEveryPoolingAndActivation() {
    for (String act : List.of(BertConfig.GELU, BertConfig.GELU_TANH)) {
      BertWeights base = TinyBert.weights(5, true);
      BertWeights w = new BertWeights(base.config().withHiddenAct(act), base.tensors());
      Random rnd = new Random(9);
      List<int[]> sentences = new ArrayList<>();
      for (int s = 0; s < 7; s++) {
        int[] t = new int[2 + rnd.nextInt(6)];
        for (int i = 0; i < t.length; i++) {
          t[i] = 1 + rnd.nextInt(48);
        }
        sentences.add(t);
      }
      PackedBatch packed = Packing.greedy(sentences, 12);
      assertTrue(packed.rows < sentences.size(), "several sentences per row");
      EnumSet<Pooling> all = EnumSet.allOf(Pooling.class);
      try (EmbeddingEngine tf = Engines.open(w, EngineOptions.cpu(1));
          EmbeddingEngine ort = Engines.open(w, ORT)) {
        SentenceVectors a = tf.embed(packed, all);
        SentenceVectors b = ort.embed(packed, all);
        for (Pooling p : all) {
          double d = maxDiff(a.byPooling().get(p), b.byPooling().get(p));
          assertTrue(d <= 1e-5, act + " " + p + ": ORT vs TF " + d);
        }
        // and each packed sentence equals itself run alone on ORT
        for (int s = 0; s < sentences.size(); s++) {
          float[] alone =
              ort.embed(PackedBatch.single(sentences.get(s)), EnumSet.of(Pooling.MEAN))
                  .vector(Pooling.MEAN, 0);
          assertTrue(maxDiff(alone, b.vector(Pooling.MEAN, s)) <= 1e-5, "sentence " + s);
        }
      }
    }
  }

  @Test
  void miniLmOnOrtEqualsTheModelsOwnOnnxAndTheTensorFlowEngine() throws Exception {
    BertWeights w = ModelLoader.weights(ModelRegistry.resolve("all-minilm-l6-v2"));
    int h = w.config().hiddenSize();
    List<int[]> sentences = new ArrayList<>();
    try (HuggingFaceTokenizer tok = ReferenceTexts.uncasedTokenizer()) {
      for (String s : ReferenceTexts.europarlSentences(24)) {
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
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        OrtSession own = env.createSession(onnx, so)) {
      for (int[] ids : sentences) {
        expected.add(OnnxRuntimeEquivalenceTest.ortMean(env, own, ids, h));
      }
    }
    PackedBatch packed = Packing.greedy(sentences, 128);
    PackedBatch fedMask = withExplicitBlockMask(packed);
    PackedBatch runningPositions = Packing.greedy(sentences, 128, false);
    assertTrue(packed.rows < sentences.size() / 2, "several sentences per row");
    EnumSet<Pooling> both = EnumSet.of(Pooling.CLS, Pooling.MEAN);
    try (EmbeddingEngine ort = Engines.open(w, ORT);
        EmbeddingEngine tf = Engines.open(w, EngineOptions.cpu(2))) {
      SentenceVectors o = ort.embed(packed, both);
      SentenceVectors oMask = ort.embed(fedMask, both);
      SentenceVectors t = tf.embed(packed, both);
      double vsOwn = 0;
      for (int s = 0; s < sentences.size(); s++) {
        vsOwn = Math.max(vsOwn, maxDiff(o.vector(Pooling.MEAN, s), expected.get(s)));
      }
      double vsTf = 0;
      double fedVsBuilt = 0;
      for (Pooling p : both) {
        vsTf = Math.max(vsTf, maxDiff(o.byPooling().get(p), t.byPooling().get(p)));
        fedVsBuilt = Math.max(fedVsBuilt, maxDiff(o.byPooling().get(p), oMask.byPooling().get(p)));
      }
      double wrong =
          maxDiff(
              ort.embed(runningPositions, both).byPooling().get(Pooling.MEAN),
              o.byPooling().get(Pooling.MEAN));
      System.out.printf(
          "MiniLM ORT engine packed: vs own .onnx single %.2e, vs TF engine %.2e, fed mask %.2e,"
              + " running positions %.2e%n",
          vsOwn, vsTf, fedVsBuilt, wrong);
      assertTrue(vsOwn <= 1e-4, "ORT engine vs the model's own ONNX graph: " + vsOwn);
      assertTrue(vsTf <= 1e-4, "ORT engine vs TF engine: " + vsTf);
      assertTrue(fedVsBuilt <= 1e-6, "a fed block-diagonal mask equals the built one");
      assertTrue(wrong > 1e-2, "positions that do not restart must change the vectors");
    }
  }

  @Test
  void bf16IsRefusedWithOneClearLine() {
    BertWeights w = TinyBert.weights(1, false);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Engines.open(w, ORT.withPrecision(Precision.BF16)));
    assertTrue(e.getMessage().contains("tensorflow"), e.getMessage());
  }

  static PackedBatch withExplicitBlockMask(PackedBatch p) {
    int l = p.length;
    float[] mask = new float[p.rows * l * l];
    for (int s = 0; s < p.sentences(); s++) {
      int r = p.sentenceRow[s];
      for (int i = 0; i < p.sentenceLength[s]; i++) {
        for (int j = 0; j < p.sentenceLength[s]; j++) {
          mask[(r * l + p.sentenceOffset[s] + i) * l + p.sentenceOffset[s] + j] = 1f;
        }
      }
    }
    return new PackedBatch(
        p.rows,
        l,
        p.inputIds,
        p.tokenTypeIds,
        p.positionIds,
        p.segmentIds,
        mask,
        p.sentenceRow,
        p.sentenceOffset,
        p.sentenceLength);
  }

  @Test
  void clsOnlyGraphGivesTheSameClsAndPoolerAsTheFullGraph() {
    BertWeights w = TinyBert.weights(5, true);
    List<int[]> sentences =
        List.of(new int[] {2, 7, 9, 3}, new int[] {2, 11, 3}, new int[] {2, 5, 6, 8, 3});
    PackedBatch packed = Packing.greedy(sentences, 16);
    try (EmbeddingEngine ort = Engines.open(w, ORT)) {
      // cls and pooler alone run the graph without the all-token last layer; with mean, the full
      // one
      SentenceVectors clsOnly = ort.embed(packed, EnumSet.of(Pooling.CLS, Pooling.POOLER));
      SentenceVectors withMean = ort.embed(packed, EnumSet.allOf(Pooling.class));
      for (Pooling p : List.of(Pooling.CLS, Pooling.POOLER)) {
        assertEquals(
            0, maxDiff(clsOnly.byPooling().get(p), withMean.byPooling().get(p)), 1e-6, p.name());
      }
    }
  }

  public static double maxDiff(float[] a, float[] b) {
    assertEquals(a.length, b.length, "lengths");
    double d = 0;
    for (int i = 0; i < a.length; i++) {
      d = Math.max(d, Math.abs(a[i] - b[i]));
    }
    return d;
  }
}
