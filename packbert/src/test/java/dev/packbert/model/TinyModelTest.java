package dev.packbert.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.packbert.engine.Engines;
import dev.packbert.engine.tensorflow.TensorFlowEngine;
import dev.packbert.weights.ModelLoader;
import dev.packbert.weights.SafetensorsBertLoader;
import dev.packbert.weights.SafetensorsWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A tiny random BERT built here: both loaders agree, and any 2D mask is honoured exactly by both
 * engines.
 */
class TinyModelTest {
  @TempDir Path tmp;

  @Test
  void safetensorsAndTfCheckpointLoadToIdenticalOutputs() throws Exception {
    BertWeights w = TinyBert.weights(7, true);
    Path hf = tmp.resolve("hf");
    SafetensorsWriter.writeBertDirectory(w, hf, null);
    Path ckpt = tmp.resolve("ckpt");
    java.nio.file.Files.createDirectories(ckpt);
    writeGoogleCheckpoint(w, ckpt.resolve("model.ckpt"));
    // In a Google bert_config.json "gelu" means the tanh form; this erf model names its activation
    // explicitly.
    java.nio.file.Files.writeString(ckpt.resolve("bert_config.json"), googleConfig(w.config()));

    BertWeights fromHf = SafetensorsBertLoader.load(hf);
    BertWeights fromCkpt = ModelLoader.weights(ckpt);
    int[] ids = {2, 17, 9, 33, 4, 3};
    try (TensorFlowEngine a = new TensorFlowEngine(fromHf, EngineOptions.cpu(1));
        TensorFlowEngine b = new TensorFlowEngine(fromCkpt, EngineOptions.cpu(1))) {
      float[] x = a.tokenVectors(PackedBatch.single(ids));
      float[] y = b.tokenVectors(PackedBatch.single(ids));
      assertArrayEquals(x, y, 0f, "the two formats must load the same numbers");
      float[][] ref = ReferenceBert.lastHidden(w, toLong(ids));
      assertTrue(maxDiff(x, ref) < 1e-4, "engine vs plain-Java reference: " + maxDiff(x, ref));
    }
  }

  /** Any [L, L] mask and any positions, on both engines, against the plain-Java reference. */
  @ParameterizedTest
  @EnumSource(EngineKind.class)
  void arbitraryTwoDimensionalMaskIsHonoured(EngineKind kind) {
    BertWeights w = sharpenAttention(TinyBert.weights(11, true), 6f);
    Random rnd = new Random(3);
    int n = 9;
    int[] ids = new int[n];
    int[] pos = new int[n];
    float[] mask = new float[n * n];
    float[][] m2 = new float[n][n];
    for (int i = 0; i < n; i++) {
      ids[i] = 1 + rnd.nextInt(48);
      pos[i] = rnd.nextInt(20);
      for (int j = 0; j < n; j++) {
        // random, asymmetric, not block-diagonal; the diagonal stays open so no row is fully masked
        m2[i][j] = i == j || rnd.nextBoolean() ? 1f : 0f;
        mask[i * n + j] = m2[i][j];
      }
    }
    int[] seg = new int[n];
    java.util.Arrays.fill(seg, 1);
    PackedBatch b =
        new PackedBatch(
            1, n, ids, new int[n], pos, seg, mask, new int[] {0}, new int[] {0}, new int[] {n});
    try (EmbeddingEngine e = Engines.open(w, EngineOptions.cpu(1).withEngine(kind))) {
      float[] got = e.tokenVectors(b);
      float[][] expected = ReferenceBert.lastHidden(w, toLong(ids), pos, m2);
      double d = maxDiff(got, expected);
      assertTrue(d < 1e-4, kind + " engine vs hand-computed masked attention: " + d);
      float[][] unmasked = ReferenceBert.lastHidden(w, toLong(ids), pos, null);
      System.out.printf(
          "%s masked engine vs reference %.2e; mask effect %.2e%n",
          kind, d, maxDiff(got, unmasked));
      assertTrue(
          maxDiff(got, unmasked) > 10 * 1e-4, "the mask must matter well beyond the tolerance");
    }
  }

  @Test
  void fullyMaskedPaddingRowsStayFinite() {
    BertWeights w = TinyBert.weights(5, true);
    int l = 6;
    // row 0 holds one 4-token sentence and 2 padding slots; row 1 is padding only
    int[] ids = {2, 11, 12, 3, 0, 0, 0, 0, 0, 0, 0, 0};
    int[] pos = {0, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0};
    int[] seg = {1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0};
    PackedBatch b =
        new PackedBatch(
            2, l, ids, new int[2 * l], pos, seg, null, new int[] {0}, new int[] {0}, new int[] {4});
    try (TensorFlowEngine e = new TensorFlowEngine(w, EngineOptions.cpu(1))) {
      for (float v : e.tokenVectors(b)) {
        assertTrue(Float.isFinite(v), "padding produced a non-finite value");
      }
      SentenceVectors v = e.embed(b, java.util.EnumSet.allOf(Pooling.class));
      float[] alone =
          e.embed(PackedBatch.single(new int[] {2, 11, 12, 3}), java.util.EnumSet.of(Pooling.MEAN))
              .vector(Pooling.MEAN, 0);
      assertArrayEquals(
          alone, v.vector(Pooling.MEAN, 0), 1e-5f, "padding must not leak into the sentence");
    }
  }

  /**
   * Larger attention weights: peaked scores, and an attention output that outweighs the residual,
   * so masking changes the outputs visibly.
   */
  static BertWeights sharpenAttention(BertWeights w, float factor) {
    Map<String, TensorData> m = new java.util.LinkedHashMap<>(w.tensors());
    for (int l = 0; l < w.config().numLayers(); l++) {
      for (String part : List.of("self/query", "self/key", "self/value", "output/dense")) {
        String name = BertWeights.layer(l, "attention/" + part + "/kernel");
        float[] v = m.get(name).values().clone();
        for (int i = 0; i < v.length; i++) {
          v[i] *= factor;
        }
        m.put(name, new TensorData(name, m.get(name).shape(), v));
      }
    }
    return new BertWeights(w.config(), m);
  }

  static String googleConfig(BertConfig c) {
    return "{\"vocab_size\": "
        + c.vocabSize()
        + ", \"hidden_size\": "
        + c.hiddenSize()
        + ", \"num_hidden_layers\": "
        + c.numLayers()
        + ", \"num_attention_heads\": "
        + c.numHeads()
        + ", \"intermediate_size\": "
        + c.intermediateSize()
        + ", \"max_position_embeddings\": "
        + c.maxPositions()
        + ", \"type_vocab_size\": "
        + c.typeVocabSize()
        + ", \"hidden_act\": \"gelu_erf\"}";
  }

  /**
   * Writes Google-named tensors ("bert/...") with TF's own SaveV2 op, as Google's training code
   * does.
   */
  static void writeGoogleCheckpoint(BertWeights w, Path prefix) {
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      List<String> names = new ArrayList<>();
      List<Operand<?>> data = new ArrayList<>();
      List<TFloat32> tensors = new ArrayList<>();
      for (Map.Entry<String, TensorData> e : w.tensors().entrySet()) {
        names.add("bert/" + e.getKey());
        TensorData t = e.getValue();
        TFloat32 value =
            TFloat32.tensorOf(Shape.of(t.shape()), DataBuffers.of(t.values(), true, false));
        tensors.add(value);
        data.add(tf.constantOf(value));
      }
      var save =
          tf.train.save(
              tf.constant(prefix.toString()),
              tf.constant(NdArrays.vectorOfObjects(names.toArray(new String[0]))),
              tf.constant(
                  NdArrays.vectorOfObjects(
                      java.util.Collections.nCopies(names.size(), "").toArray(new String[0]))),
              data);
      s.runner().addTarget(save).run();
      tensors.forEach(TFloat32::close);
    }
  }

  static long[] toLong(int[] a) {
    long[] l = new long[a.length];
    for (int i = 0; i < a.length; i++) {
      l[i] = a[i];
    }
    return l;
  }

  static double maxDiff(float[] flat, float[][] ref) {
    double d = 0;
    int h = ref[0].length;
    for (int i = 0; i < ref.length; i++) {
      for (int j = 0; j < h; j++) {
        d = Math.max(d, Math.abs(flat[i * h + j] - ref[i][j]));
      }
    }
    return d;
  }
}
