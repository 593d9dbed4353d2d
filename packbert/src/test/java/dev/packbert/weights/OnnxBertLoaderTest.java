package dev.packbert.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import dev.packbert.model.BertConfig;
import dev.packbert.model.BertWeights;
import dev.packbert.model.ModelFormatException;
import dev.packbert.model.ReferenceBert;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OnnxBertLoaderTest {
  static byte[] bytes;
  static OnnxGraph graph;
  static BertWeights weights;

  @BeforeAll
  static void load() throws Exception {
    try (InputStream in =
        OnnxBertLoaderTest.class
            .getClassLoader()
            .getResourceAsStream(OnnxBertLoader.MINILM_RESOURCE)) {
      assertNotNull(in, "MiniLM ONNX resource on the classpath");
      bytes = in.readAllBytes();
    }
    graph = OnnxInitializerReader.read(bytes, OnnxBertLoader.MINILM_RESOURCE);
    weights = OnnxBertLoader.load(graph, OnnxBertLoader.MINILM_RESOURCE, 99);
  }

  @Test
  void miniLmConfigAndStructure() {
    // all-MiniLM-L6-v2 config.json: 384 hidden, 6 layers, 12 heads, 1536 intermediate, 30522 vocab
    assertEquals(new BertConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-12f, "gelu"), weights.config());
    assertEquals(
        OptionalInt.of(12),
        OnnxBertLoader.inferHeads(graph, 384),
        "head count read from the graph, not the default");
    assertTrue(weights.hasPooler());
    assertEquals(
        BertWeights.expectedShapes(weights.config(), true).keySet(), weights.tensors().keySet());
    weights.validate();
    // 22.7 M parameters is the published size of all-MiniLM-L6-v2
    assertEquals(22_713_216L, weights.parameterCount());
  }

  /**
   * Reads initializers with protobuf's generic parser (no ONNX schema), independent of the codec's
   * generated classes.
   */
  private static Map<String, float[]> rawInitializers(Set<String> names) throws Exception {
    UnknownFieldSet model = UnknownFieldSet.parseFrom(bytes);
    UnknownFieldSet g =
        UnknownFieldSet.parseFrom(model.getField(7).getLengthDelimitedList().get(0));
    Map<String, float[]> out = new java.util.HashMap<>();
    for (ByteString init : g.getField(5).getLengthDelimitedList()) {
      UnknownFieldSet t = UnknownFieldSet.parseFrom(init);
      String name = t.getField(8).getLengthDelimitedList().get(0).toStringUtf8();
      if (names.contains(name)) {
        ByteBuffer b =
            t.getField(9)
                .getLengthDelimitedList()
                .get(0)
                .asReadOnlyByteBuffer()
                .order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[b.remaining() / 4];
        b.asFloatBuffer().get(v);
        out.put(name, v);
      }
    }
    return out;
  }

  @Test
  void valuesMatchProtobufsGenericParser() throws Exception {
    String q0 = consumerInput("/encoder/layer.0/attention/self/query/MatMul");
    String ffn5 = consumerInput("/encoder/layer.5/output/dense/MatMul");
    Map<String, float[]> raw =
        rawInitializers(
            Set.of(
                "embeddings.word_embeddings.weight",
                "pooler.dense.weight",
                "encoder.layer.3.output.LayerNorm.bias",
                q0,
                ffn5));
    assertArrayEquals(
        raw.get("embeddings.word_embeddings.weight"), weights.get(BertWeights.WORD).values());
    assertArrayEquals(
        raw.get("encoder.layer.3.output.LayerNorm.bias"),
        weights.get("encoder/layer_3/output/LayerNorm/beta").values());
    // MatMul initializers are [in, out] already
    assertArrayEquals(
        raw.get(q0), weights.get("encoder/layer_0/attention/self/query/kernel").values());
    assertArrayEquals(raw.get(ffn5), weights.get("encoder/layer_5/output/dense/kernel").values());
    // the pooler is a Gemm with transB=1 over PyTorch's [out, in] weight
    float[] p = raw.get("pooler.dense.weight");
    float[] k = weights.get("pooler/dense/kernel").values();
    assertEquals(p[5 * 384 + 7], k[7 * 384 + 5]);
    assertTrue(p[5 * 384 + 7] != p[7 * 384 + 5]);
  }

  private static String consumerInput(String nodeName) {
    return graph.nodes().stream()
        .filter(n -> n.name().equals(nodeName))
        .findFirst()
        .orElseThrow()
        .inputs()
        .get(1);
  }

  @Test
  void tokenizerJson() throws Exception {
    try (InputStream in =
        getClass().getClassLoader().getResourceAsStream(OnnxBertLoader.MINILM_TOKENIZER_RESOURCE)) {
      HfTokenizerJson t = HfTokenizerJson.read(in, OnnxBertLoader.MINILM_TOKENIZER_RESOURCE);
      assertEquals(30522, t.vocabulary().size());
      assertTrue(t.lowercase());
      // bert-base-uncased ids: [PAD]=0, [UNK]=100, [CLS]=101, [SEP]=102, "the"=1996, "this"=2023
      assertEquals("[PAD]", t.vocabulary().get(0));
      assertEquals(List.of("[UNK]", "[CLS]", "[SEP]"), t.vocabulary().subList(100, 103));
      assertEquals("the", t.vocabulary().get(1996));
      assertEquals("this", t.vocabulary().get(2023));
    }
  }

  /**
   * ONNX Runtime runs the model itself; a plain-Java BERT forward over the loaded weights must give
   * the same last hidden state. This checks mapping, layouts, head count, epsilon and activation at
   * once.
   */
  @Test
  void plainJavaForwardMatchesOnnxRuntime() throws Exception {
    long[] ids = {
      101, 2023, 2003, 1037, 3231, 6251, 1012, 102
    }; // [CLS] this is a test sentence . [SEP]
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession s = env.createSession(bytes, new OrtSession.SessionOptions())) {
      System.out.println("ORT inputs " + s.getInputNames() + " outputs " + s.getOutputNames());
      assertEquals(Set.of("input_ids", "attention_mask", "token_type_ids"), s.getInputNames());
      assertEquals(List.of("output_0", "882"), List.copyOf(s.getOutputNames()));
      assertEquals(List.of("input_ids", "attention_mask", "token_type_ids"), graph.inputs());
      long[] ones = new long[ids.length];
      Arrays.fill(ones, 1);
      try (OnnxTensor a = OnnxTensor.createTensor(env, new long[][] {ids});
          OnnxTensor m = OnnxTensor.createTensor(env, new long[][] {ones});
          OnnxTensor t = OnnxTensor.createTensor(env, new long[][] {new long[ids.length]});
          OrtSession.Result r =
              s.run(Map.of("input_ids", a, "attention_mask", m, "token_type_ids", t))) {
        float[][] ort = ((float[][][]) r.get(0).getValue())[0];
        float[][] mine = ReferenceBert.lastHidden(weights, ids);
        double worst = 0;
        for (int i = 0; i < ids.length; i++) {
          for (int j = 0; j < 384; j++) {
            worst = Math.max(worst, Math.abs(ort[i][j] - mine[i][j]));
          }
        }
        System.out.println("max abs diff ORT vs plain Java: " + worst);
        assertTrue(worst < 1e-4, "max |ORT - Java| = " + worst);
      }
    }
  }

  private static String readFails(byte[] b) {
    return assertThrows(
            ModelFormatException.class,
            () -> OnnxBertLoader.load(OnnxInitializerReader.read(b, "cut.onnx"), "cut.onnx", 12))
        .getMessage();
  }

  @Test
  void truncatedModel() {
    for (int cut : new int[] {0, 5, 200, 4_000, 1_000_000, bytes.length / 2, bytes.length - 1}) {
      String m = readFails(Arrays.copyOf(bytes, cut));
      assertTrue(m.startsWith("cut.onnx: "), m);
      assertTrue(
          m.contains("truncated") || m.contains("no graph") || m.contains("missing tensor"),
          cut + ": " + m);
    }
  }

  @Test
  void randomGarbage() {
    Random r = new Random(5);
    for (int i = 0; i < 20; i++) {
      byte[] b = new byte[1 + r.nextInt(5000)];
      r.nextBytes(b);
      assertTrue(readFails(b).startsWith("cut.onnx: "));
    }
  }

  @Test
  void lengthPrefixClaimingTwoGigabytes() {
    // field 7 (graph), wire type 2, length varint 0x7FFFFFF0, then 3 bytes
    byte[] b = {(byte) 0x3A, (byte) 0xF0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07, 1, 2, 3};
    String m = readFails(b);
    assertTrue(m.contains("truncated"), m);
    assertTrue(m.lines().count() == 1, m);
    // a raw_data length inside a real-looking initializer: graph{initializer{raw_data len 2 GB}}
    byte[] t = {(byte) 0x4A, (byte) 0xF0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07, 0};
    byte[] g = concat(new byte[] {0x2A, (byte) t.length}, t);
    String m2 = readFails(concat(new byte[] {0x3A, (byte) g.length}, g));
    assertTrue(m2.startsWith("cut.onnx: ") && m2.contains("truncated"), m2);
  }

  @Test
  void shapeAndDataDisagree() {
    // initializer "w": dims [3], FLOAT, raw_data of 4 bytes
    byte[] t = {0x08, 0x03, 0x10, 0x01, 0x42, 0x01, 'w', 0x4A, 0x04, 0, 0, (byte) 0x80, 0x3F};
    byte[] g = concat(new byte[] {0x2A, (byte) t.length}, t);
    byte[] opset = {0x42, 0x00}; // opset_import {}: every model has one
    String m =
        assertThrows(
                ModelFormatException.class,
                () ->
                    OnnxInitializerReader.read(
                        concat(concat(new byte[] {0x3A, (byte) g.length}, g), opset), "x.onnx"))
            .getMessage();
    assertTrue(m.contains("tensor 'w' needs 12 raw_data bytes for its shape but has 4"), m);
    // and the same with a correct shape reads 1.0f
    t[1] = 0x01;
    byte[] g1 = concat(new byte[] {0x2A, (byte) t.length}, t);
    OnnxGraph ok =
        OnnxInitializerReader.read(
            concat(concat(new byte[] {0x3A, (byte) g1.length}, g1), opset), "x.onnx");
    assertArrayEquals(new float[] {1.0f}, ok.initializers().get("w").floats());
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
