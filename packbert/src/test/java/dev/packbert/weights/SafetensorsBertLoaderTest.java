package dev.packbert.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.packbert.model.BertWeights;
import dev.packbert.model.ModelFormatException;
import dev.packbert.model.TensorData;
import dev.packbert.model.TinyBert;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsBertLoaderTest {
  @TempDir Path tmp;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void roundTripEqualsInput() {
    BertWeights w = TinyBert.weights(42, true);
    Path dir = tmp.resolve("m");
    SafetensorsWriter.writeBertDirectory(w, dir, List.of("[PAD]", "[UNK]", "hello"));
    BertWeights back = SafetensorsBertLoader.load(dir);
    assertEquals(w.config(), back.config());
    assertEquals(w.tensors().keySet(), back.tensors().keySet());
    for (String n : w.names()) {
      assertArrayEquals(w.get(n).shape(), back.get(n).shape(), n);
      assertArrayEquals(w.get(n).values(), back.get(n).values(), n);
    }
    assertTrue(back.hasPooler());
    assertEquals(List.of("[PAD]", "[UNK]", "hello"), SafetensorsBertLoader.vocabulary(dir));
    assertEquals(ModelFormat.SAFETENSORS, ModelDirectory.detect(dir));
  }

  /**
   * The file must hold HF layout: Linear weights [out, in] under HF names, independent of the
   * loader.
   */
  @Test
  void writerUsesHuggingFaceNamesAndLayout() {
    BertWeights w = TinyBert.weights(7, false);
    Path dir = tmp.resolve("m");
    SafetensorsWriter.writeBertDirectory(w, dir, null);
    try (SafetensorsReader r = SafetensorsReader.open(dir.resolve("model.safetensors"))) {
      assertTrue(r.contains("embeddings.word_embeddings.weight"));
      assertTrue(r.contains("embeddings.LayerNorm.weight"));
      assertTrue(r.contains("encoder.layer.1.output.LayerNorm.bias"));
      assertFalse(r.contains("pooler.dense.weight"));
      TensorData hf = r.read("encoder.layer.0.intermediate.dense.weight");
      assertArrayEquals(new long[] {32, 16}, hf.shape());
      float[] kernel = w.get("encoder/layer_0/intermediate/dense/kernel").values(); // [16, 32]
      // element (out=5, in=3) of the HF weight is kernel[in=3][out=5]
      assertEquals(kernel[3 * 32 + 5], hf.values()[5 * 16 + 3]);
    }
    assertFalse(SafetensorsBertLoader.load(dir).hasPooler());
  }

  @Test
  void acceptsBertPrefixOldLayerNormNamesAndSkipsHeads() throws Exception {
    BertWeights w = TinyBert.weights(3, true);
    Path dir = tmp.resolve("m");
    SafetensorsWriter.writeBertDirectory(w, dir, null);
    Map<String, TensorData> renamed = new LinkedHashMap<>();
    try (SafetensorsReader r = SafetensorsReader.open(dir.resolve("model.safetensors"))) {
      for (String n : r.names()) {
        String m =
            "bert."
                + n.replace("LayerNorm.weight", "LayerNorm.gamma")
                    .replace("LayerNorm.bias", "LayerNorm.beta");
        renamed.put(m, r.read(n));
      }
    }
    renamed.put("cls.predictions.bias", new TensorData("x", new long[] {50}, new float[50]));
    SafetensorsWriter.writeTensors(dir.resolve("model.safetensors"), renamed, null);
    BertWeights back = SafetensorsBertLoader.load(dir);
    assertArrayEquals(
        w.get("embeddings/LayerNorm/gamma").values(),
        back.get("embeddings/LayerNorm/gamma").values());
    assertArrayEquals(
        w.get("encoder/layer_1/attention/self/key/kernel").values(),
        back.get("encoder/layer_1/attention/self/key/kernel").values());
  }

  private Path dirWith(
      Consumer<ObjectNode> editConfig, Consumer<Map<String, TensorData>> editTensors)
      throws Exception {
    Path dir = tmp.resolve("m" + System.nanoTime());
    SafetensorsWriter.writeBertDirectory(TinyBert.weights(1, true), dir, null);
    ObjectNode cfg = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
    editConfig.accept(cfg);
    JSON.writeValue(dir.resolve("config.json").toFile(), cfg);
    Map<String, TensorData> t = new LinkedHashMap<>();
    try (SafetensorsReader r = SafetensorsReader.open(dir.resolve("model.safetensors"))) {
      for (String n : r.names()) {
        t.put(n, r.read(n));
      }
    }
    editTensors.accept(t);
    SafetensorsWriter.writeTensors(dir.resolve("model.safetensors"), t, null);
    return dir;
  }

  private String loadFails(Path dir) {
    return assertThrows(ModelFormatException.class, () -> SafetensorsBertLoader.load(dir))
        .getMessage();
  }

  @Test
  void missingTensor() throws Exception {
    String m =
        loadFails(dirWith(c -> {}, t -> t.remove("encoder.layer.1.attention.self.value.bias")));
    assertTrue(m.contains("missing tensor encoder/layer_1/attention/self/value/bias"), m);
  }

  @Test
  void wrongShapeVsConfig() throws Exception {
    String m = loadFails(dirWith(c -> c.put("intermediate_size", 40), t -> {}));
    assertTrue(
        m.contains(
            "tensor encoder.layer.0.intermediate.dense.weight has shape [32, 16], config.json needs [40, 16]"),
        m);
  }

  @Test
  void configContradictsWeights() throws Exception {
    String m = loadFails(dirWith(c -> c.put("num_hidden_layers", 1), t -> {}));
    assertTrue(
        m.contains("tensor encoder.layer.1.") && m.contains("is not part of a 1-layer BERT"), m);
    m = loadFails(dirWith(c -> c.put("vocab_size", 51), t -> {}));
    assertTrue(
        m.contains(
            "tensor embeddings.word_embeddings.weight has shape [50, 16], config.json needs [51, 16]"),
        m);
  }

  @Test
  void nanWeights() throws Exception {
    String m =
        loadFails(
            dirWith(
                c -> {}, t -> t.get("encoder.layer.0.output.dense.bias").values()[3] = Float.NaN));
    assertTrue(
        m.contains("tensor encoder/layer_0/output/dense/bias holds a non-finite value at index 3"),
        m);
  }

  @Test
  void unsupportedActivationAndBadConfig() throws Exception {
    String m = loadFails(dirWith(c -> c.put("hidden_act", "relu"), t -> {}));
    assertTrue(m.contains("config.json") && m.contains("hidden_act 'relu' is not supported"), m);
    m = loadFails(dirWith(c -> c.remove("hidden_size"), t -> {}));
    assertTrue(m.contains("hidden_size is missing"), m);
    m = loadFails(dirWith(c -> c.put("position_embedding_type", "relative_key"), t -> {}));
    assertTrue(m.contains("position_embedding_type 'relative_key' is not supported"), m);
  }

  @Test
  void truncatedWeightsFile() throws Exception {
    Path dir = tmp.resolve("m");
    SafetensorsWriter.writeBertDirectory(TinyBert.weights(1, true), dir, null);
    Path f = dir.resolve("model.safetensors");
    byte[] b = Files.readAllBytes(f);
    Files.write(f, java.util.Arrays.copyOf(b, b.length - 100));
    String m = loadFails(dir);
    assertTrue(m.contains("model.safetensors") && m.contains("outside the data section"), m);
  }

  @Test
  void detectsFormats() throws Exception {
    Path onnx = Files.createDirectories(tmp.resolve("onnx"));
    Files.write(onnx.resolve("model.onnx"), new byte[0]);
    Files.write(onnx.resolve("tokenizer.json"), new byte[0]);
    assertEquals(ModelFormat.ONNX, ModelDirectory.detect(onnx));
    Path g = Files.createDirectories(tmp.resolve("g/variables"));
    Files.write(g.resolve("variables.index"), new byte[0]);
    assertEquals(ModelFormat.GOOGLE_CHECKPOINT, ModelDirectory.detect(g.getParent()));
    Path c = Files.createDirectories(tmp.resolve("c"));
    Files.write(c.resolve("model.ckpt.index"), new byte[0]);
    assertEquals(ModelFormat.GOOGLE_CHECKPOINT, ModelDirectory.detect(c));
    Path e = Files.createDirectories(tmp.resolve("empty"));
    assertTrue(
        assertThrows(ModelFormatException.class, () -> ModelDirectory.detect(e))
            .getMessage()
            .contains("no known model layout"));
  }
}
