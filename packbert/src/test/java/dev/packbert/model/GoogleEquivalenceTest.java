package dev.packbert.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.packbert.engine.tensorflow.TensorFlowEngine;
import dev.packbert.weights.GoogleCheckpointLoader;
import dev.packbert.weights.ModelRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The product's promise on real BERT-base weights: a sentence's vectors from a packed row equal
 * Google's original graph run on that sentence alone (≤ 1e-4), and the block-diagonal mask with
 * restarted positions is what makes it so.
 */
class GoogleEquivalenceTest {
  static final double TOLERANCE = 1e-4;
  static final int L = 128;

  static TensorFlowEngine engine;
  static GoogleBertReference google;
  static List<int[]> sentences = new ArrayList<>();

  /** [sentence][pooling: cls, mean, pooler][H] from Google's graph. */
  static List<float[][]> expected = new ArrayList<>();

  static int h;

  @BeforeAll
  static void load() throws Exception {
    Path dir = ModelRegistry.resolve("bert-base-uncased");
    BertWeights w = GoogleCheckpointLoader.load(dir.resolve("variables/variables"), null);
    h = w.config().hiddenSize();
    engine = new TensorFlowEngine(w, EngineOptions.cpu(2));
    google = new GoogleBertReference(dir);
    try (HuggingFaceTokenizer tok = ReferenceTexts.uncasedTokenizer()) {
      for (String s : ReferenceTexts.europarlSentences(24)) {
        int[] ids = ReferenceTexts.ids(tok, s);
        sentences.add(ids);
        expected.add(GoogleBertReference.poolings(google.run(ids), ids.length, h));
      }
    }
  }

  @AfterAll
  static void close() {
    if (engine != null) {
      engine.close();
    }
    if (google != null) {
      google.close();
    }
  }

  @Test
  void configInferredFromTheCheckpointIsBertBase() {
    BertConfig c = engine.config();
    assertEquals(30522, c.vocabSize());
    assertEquals(768, c.hiddenSize());
    assertEquals(12, c.numLayers());
    assertEquals(12, c.numHeads());
    assertEquals(3072, c.intermediateSize());
    assertEquals(512, c.maxPositions());
  }

  @Test
  void singleSentencesEqualGoogleGraph() {
    assertTrue(sentences.size() >= 20, "need ≥ 20 real sentences");
    double worst = 0;
    for (int s = 0; s < sentences.size(); s++) {
      SentenceVectors v =
          engine.embed(PackedBatch.single(sentences.get(s)), EnumSet.allOf(Pooling.class));
      worst = Math.max(worst, maxDiff(v, 0, expected.get(s)));
    }
    System.out.printf(
        "single vs Google: max abs diff %.2e over %d sentences%n", worst, sentences.size());
    assertTrue(worst <= TOLERANCE, "max abs diff " + worst);
  }

  @Test
  void packedSentencesEqualGoogleGraphAlone() {
    PackedBatch batch = packGreedily(true);
    assertTrue(
        batch.rows < sentences.size() / 2, "the test must really pack several sentences per row");
    SentenceVectors v = engine.embed(batch, EnumSet.allOf(Pooling.class));
    double worst = 0;
    for (int s = 0; s < sentences.size(); s++) {
      worst = Math.max(worst, maxDiff(v, s, expected.get(s)));
    }
    System.out.printf(
        "packed (%d sentences in %d rows) vs Google: max abs diff %.2e%n",
        sentences.size(), batch.rows, worst);
    assertTrue(worst <= TOLERANCE, "max abs diff " + worst);
  }

  @Test
  void udfStyleMaskFedFromOutsideGivesTheSameVectors() {
    PackedBatch inGraph = packGreedily(true);
    float[] mask = new float[inGraph.rows * L * L];
    for (int r = 0; r < inGraph.rows; r++) {
      for (int i = 0; i < L; i++) {
        for (int j = 0; j < L; j++) {
          int si = inGraph.segmentIds[r * L + i];
          mask[(r * L + i) * L + j] = si != 0 && si == inGraph.segmentIds[r * L + j] ? 1f : 0f;
        }
      }
    }
    PackedBatch fed = withMask(inGraph, mask, inGraph.positionIds);
    SentenceVectors a = engine.embed(inGraph, EnumSet.of(Pooling.MEAN));
    SentenceVectors b = engine.embed(fed, EnumSet.of(Pooling.MEAN));
    float[] x = a.byPooling().get(Pooling.MEAN);
    float[] y = b.byPooling().get(Pooling.MEAN);
    double d = 0;
    for (int i = 0; i < x.length; i++) {
      d = Math.max(d, Math.abs(x[i] - y[i]));
    }
    assertTrue(d <= 1e-6, "fed block-diagonal mask differs from in-graph one by " + d);
  }

  /**
   * Without the block-diagonal mask and restarted positions, packing contaminates: the test can
   * fail.
   */
  @Test
  void plainMaskWithoutRestartedPositionsIsContaminated() {
    PackedBatch packed = packGreedily(false);
    float[] mask = new float[packed.rows * L * L];
    for (int r = 0; r < packed.rows; r++) {
      for (int i = 0; i < L; i++) {
        for (int j = 0; j < L; j++) {
          boolean real = packed.segmentIds[r * L + i] != 0 && packed.segmentIds[r * L + j] != 0;
          mask[(r * L + i) * L + j] = real ? 1f : 0f;
        }
      }
    }
    SentenceVectors v =
        engine.embed(withMask(packed, mask, packed.positionIds), EnumSet.allOf(Pooling.class));
    double worst = 0;
    for (int s = 0; s < sentences.size(); s++) {
      worst = Math.max(worst, maxDiff(v, s, expected.get(s)));
    }
    System.out.printf("1D mask, running positions vs Google: max abs diff %.2e%n", worst);
    assertTrue(worst > 0.1, "contamination expected to be large, was " + worst);
  }

  static PackedBatch packGreedily(boolean restartPositions) {
    return Packing.greedy(sentences, L, restartPositions);
  }

  static PackedBatch withMask(PackedBatch p, float[] mask, int[] positions) {
    return new PackedBatch(
        p.rows,
        p.length,
        p.inputIds,
        p.tokenTypeIds,
        positions,
        p.segmentIds,
        mask,
        p.sentenceRow,
        p.sentenceOffset,
        p.sentenceLength);
  }

  static double maxDiff(SentenceVectors v, int s, float[][] exp) {
    double d = 0;
    Pooling[] order = {Pooling.CLS, Pooling.MEAN, Pooling.POOLER};
    for (int p = 0; p < 3; p++) {
      float[] got = v.vector(order[p], s);
      for (int i = 0; i < h; i++) {
        d = Math.max(d, Math.abs(got[i] - exp[p][i]));
      }
    }
    return d;
  }
}
