package dev.packbert.engine.onnx;

import dev.packbert.engine.BertSignature;
import dev.packbert.engine.BertSignature.Output;
import dev.packbert.model.BertConfig;
import dev.packbert.model.BertWeights;
import dev.packbert.model.Precision;
import dev.packbert.model.TensorData;
import dev.packbert.onnx.proto.Onnx.AttributeProto;
import dev.packbert.onnx.proto.Onnx.GraphProto;
import dev.packbert.onnx.proto.Onnx.ModelProto;
import dev.packbert.onnx.proto.Onnx.NodeProto;
import dev.packbert.onnx.proto.Onnx.OperatorSetIdProto;
import dev.packbert.onnx.proto.Onnx.TensorShapeProto;
import dev.packbert.onnx.proto.Onnx.TypeProto;
import dev.packbert.onnx.proto.Onnx.ValueInfoProto;
import dev.packbert.weights.OnnxCodec;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes BERT as an ONNX model (opset 17) with the feeds and fetches of {@link BertSignature}, the
 * same arithmetic as the TensorFlow graph, and the weights as initializers.
 *
 * <p>ONNX Runtime runs every node of a graph whatever outputs a run fetches, so the [CLS]-only last
 * layer pays off only in a graph without the all-token last layer: {@link #modelBytes} writes the
 * full last layer only when token vectors are wanted, and the [CLS] tail always (it costs S rows).
 *
 * <p>The shape is chosen for ONNX Runtime's optimizer: dense layers are 2D {@code MatMul} + {@code
 * Add} on {@code [B·L, H]} (fused into Gemm / MatMul-with-bias), GELU is written as the {@code Erf}
 * or {@code Tanh} pattern ORT fuses into its Gelu / FastGelu kernels, and LayerNorm is the opset-17
 * {@code LayerNormalization} op.
 */
public final class OnnxBertGraph {
  static final int FLOAT = OnnxCodec.FLOAT;
  static final int INT32 = OnnxCodec.INT32;
  static final int INT64 = OnnxCodec.INT64;
  private static final String MICROSOFT = "com.microsoft";

  /** IR 8 is the first IR version that allows opset 17; ORT 1.19 reads up to IR 10. */
  private static final long IR_VERSION = 8;

  private static final long OPSET = 17;

  /** Google BERT's additive mask value, as the TensorFlow graph: exp(-10000) is 0 in float32. */
  private static final float MASK_ADDER = -10000f;

  private final BertConfig config;
  private final GraphProto.Builder graph = GraphProto.newBuilder();
  private final java.util.Set<String> written = new java.util.HashSet<>();
  private int counter;

  /** With {@code share}, weights go to {@link #shared} and their initializers hold no data. */
  private final boolean share;

  private final Map<String, TensorData> shared = new LinkedHashMap<>();

  /**
   * {@link Precision#INT8}: the encoder's dense layers as integer GEMMs (see {@link #int8Dense}).
   */
  private final boolean int8;

  /**
   * GELU's outputs: never below {@link #GELU_MIN_BOUND}, so their row maximum needs no ReduceMin.
   */
  private final java.util.Set<String> geluOutputs = new java.util.HashSet<>();

  /** Above |min GELU(x)| = 0.16997 (erf form; the tanh form's minimum is within 1e-4 of it). */
  private static final float GELU_MIN_BOUND = 0.17f;

  /** int8: a dense input's quantized form and its per-row scales, made once per input (Q, K, V). */
  private final Map<String, String[]> quantized = new HashMap<>();

  private OnnxBertGraph(BertConfig config, boolean share, Precision precision) {
    this.config = config;
    this.share = share;
    this.int8 = precision == Precision.INT8;
  }

  /**
   * The serialized ONNX ModelProto of {@code weights}' encoder; with {@code tokenVectors}, the
   * all-token last layer and its {@link Output#HIDDEN} output too.
   */
  public static byte[] modelBytes(BertWeights weights, boolean tokenVectors) {
    return model(weights, tokenVectors, Precision.FP32).toByteArray();
  }

  /** The self-contained ONNX model {@link #modelBytes} serializes: every weight inside. */
  public static ModelProto model(BertWeights weights, boolean tokenVectors, Precision precision) {
    return build(weights, tokenVectors, false, precision).model();
  }

  /**
   * The same graph with its weights outside: each weight's initializer holds only its name, type
   * and shape (data_location EXTERNAL), and {@link Shared#weights} gives the values for ONNX
   * Runtime's {@code SessionOptions.addInitializer}, which uses them in place. So a session costs
   * no serialized copy of the weights, nor ORT's parsed and deserialized copies of them; ORT still
   * prepacks the MatMul weights and fuses the graph as for the self-contained model.
   */
  public static Shared shared(BertWeights weights, boolean tokenVectors, Precision precision) {
    return build(weights, tokenVectors, true, precision);
  }

  /**
   * A graph whose weights are passed beside it: {@code model} names them, {@code weights} holds
   * them.
   */
  public record Shared(ModelProto model, Map<String, TensorData> weights) {}

  private static Shared build(
      BertWeights weights, boolean tokenVectors, boolean share, Precision precision) {
    if (precision == Precision.BF16) {
      throw new IllegalArgumentException("precision bf16 needs engine tensorflow");
    }
    OnnxBertGraph g = new OnnxBertGraph(weights.config(), share, precision);
    g.build(weights, tokenVectors);
    ModelProto.Builder model =
        ModelProto.newBuilder()
            .setIrVersion(IR_VERSION)
            .setProducerName("packbert")
            .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(OPSET))
            .setGraph(g.graph);
    if (g.int8) {
      model.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(MICROSOFT).setVersion(1));
    }
    return new Shared(model.build(), g.shared);
  }

  private void build(BertWeights w, boolean tokenVectors) {
    graph.setName("packbert_bert");
    int h = config.hiddenSize();
    input(BertSignature.INPUT_IDS, INT32, "batch", "length");
    input(BertSignature.TOKEN_TYPE_IDS, INT32, "batch", "length");
    input(BertSignature.POSITION_IDS, INT32, "batch", "length");
    input(BertSignature.ATTENTION_MASK, FLOAT, "batch", "length", "length");
    input(BertSignature.CLS_INDEX, INT32, "sentences");

    String word =
        node("Gather", intAttr("axis", 0), weight(w, BertWeights.WORD), BertSignature.INPUT_IDS);
    String pos =
        node(
            "Gather",
            intAttr("axis", 0),
            weight(w, BertWeights.POSITION),
            BertSignature.POSITION_IDS);
    String type =
        node(
            "Gather",
            intAttr("axis", 0),
            weight(w, BertWeights.TOKEN_TYPE),
            BertSignature.TOKEN_TYPE_IDS);
    String sum = node("Add", node("Add", word, pos), type);
    String x = layerNorm(w, BertWeights.EMB_LN, node("Reshape", sum, int64s(-1, h)));

    // [B, 1, L, L]: one additive mask for all heads
    String adder =
        node(
            "Unsqueeze",
            node("Mul", node("Sub", scalar(1f), BertSignature.ATTENTION_MASK), scalar(MASK_ADDER)),
            int64s(1));
    String headShape =
        node(
            "Concat",
            intAttr("axis", 0),
            node("Shape", BertSignature.INPUT_IDS),
            int64s(config.numHeads(), config.headSize()));
    int last = config.numLayers() - 1;
    for (int i = 0; i < last; i++) {
      x = layerTail(w, i, attentionContext(w, i, x, adder, headShape), x);
    }
    String context = attentionContext(w, last, x, adder, headShape);
    if (tokenVectors) {
      output(rename(layerTail(w, last, context, x), Output.HIDDEN.tensor()));
    }
    // the last layer's output projection, FFN and LayerNorms on each sentence's [CLS] row only
    String cls =
        layerTail(
            w,
            last,
            node("Gather", intAttr("axis", 0), context, BertSignature.CLS_INDEX),
            node("Gather", intAttr("axis", 0), x, BertSignature.CLS_INDEX));
    output(rename(cls, Output.CLS.tensor()));
    if (w.hasPooler()) {
      String pooled = node("Tanh", dense(w, BertWeights.POOLER, cls));
      output(rename(pooled, Output.POOLER.tensor()));
    }
  }

  /** Self-attention of layer {@code i} before its output projection: [B·L, H] in and out. */
  private String attentionContext(BertWeights w, int i, String x, String adder, String headShape) {
    int h = config.hiddenSize();
    String q = heads(dense(w, BertWeights.layer(i, "attention/self/query"), x), headShape, 1, 3);
    // keys go straight to [B, heads, dh, L] so the score MatMul needs no transposed operand
    String k = heads(dense(w, BertWeights.layer(i, "attention/self/key"), x), headShape, 3, 1);
    String v = heads(dense(w, BertWeights.layer(i, "attention/self/value"), x), headShape, 1, 3);
    String scores =
        node(
            "Add",
            node("Mul", node("MatMul", q, k), scalar((float) (1.0 / Math.sqrt(config.headSize())))),
            adder);
    String weighted;
    if (int8) {
      // Softmax normalized after the value product, its row sums taken by a MatMul with a column of
      // ones. A sentence's exps sit at other offsets of a packed row than alone; a MatMul adds each
      // output's products in k order, so the masked zeros before and after it add nothing and the
      // sums are bitwise those of the sentence alone, as the value product's are. ORT's Softmax and
      // ReduceSum add in SIMD lanes, whose grouping changes with the offset: the sum differs in the
      // last bit, int8 then rounds some activation the other way, and vectors moved by up to 4e-2.
      String e =
          node(
              "Exp",
              node(
                  "Sub",
                  scores,
                  node(
                      "ReduceMax",
                      new AttributeProto[] {intsAttr("axes", -1), intAttr("keepdims", 1)},
                      scores)));
      // two columns of ones, not one: MLAS computes a MatMul with N = 1 as dot products summed in
      // SIMD lanes, which is the offset-dependent order again
      String sums =
          node("Slice", node("MatMul", e, onesColumns()), int64s(0), int64s(1), int64s(-1));
      weighted = node("Div", node("MatMul", e, v), sums);
    } else {
      weighted = node("MatMul", node("Softmax", intAttr("axis", -1), scores), v);
    }
    return node("Reshape", node("Transpose", perm(0, 2, 1, 3), weighted), int64s(-1, h));
  }

  /**
   * The rest of layer {@code i}, row by row: output projection, residual, LayerNorm, FFN, residual,
   * LayerNorm. {@code context} and {@code x} are [N, H] for any N (all tokens, or some of them).
   */
  private String layerTail(BertWeights w, int i, String context, String x) {
    String attention =
        residualLayerNorm(
            w,
            BertWeights.layer(i, "attention/output/dense"),
            context,
            x,
            BertWeights.layer(i, "attention/output/LayerNorm"));
    String inter = intermediate(w, BertWeights.layer(i, "intermediate/dense"), attention);
    geluOutputs.add(inter);
    return residualLayerNorm(
        w,
        BertWeights.layer(i, "output/dense"),
        inter,
        attention,
        BertWeights.layer(i, "output/LayerNorm"));
  }

  /**
   * GELU(dense(x)). In int8 the bias goes into ORT's own BiasGelu / FastGelu kernel, written
   * directly: ORT's fusions do not find the GELU patterns behind the int8 row scaling (the tanh
   * form stayed five elementwise ops, 30 % of BERT-base's int8 op time).
   */
  private String intermediate(BertWeights w, String dense, String x) {
    if (!(int8 && quantizes(dense))) {
      return gelu(dense(w, dense, x));
    }
    String op = BertConfig.GELU_TANH.equals(config.hiddenAct()) ? "FastGelu" : "BiasGelu";
    return node(
        MICROSOFT,
        op,
        new AttributeProto[0],
        int8Unbiased(w, dense, x),
        weight(w, dense + "/bias"));
  }

  /**
   * LayerNorm(dense(x) + skip). In int8, one com.microsoft SkipLayerNormalization adds the dense
   * layer's bias and the residual inside the normalization (per row, like every other int8 op),
   * where fp32 keeps the graph ORT's own fusions were measured on.
   */
  private String residualLayerNorm(
      BertWeights w, String dense, String x, String skip, String layerNorm) {
    if (!(int8 && quantizes(dense))) {
      return layerNorm(w, layerNorm, node("Add", dense(w, dense, x), skip));
    }
    return node(
        MICROSOFT,
        "SkipLayerNormalization",
        new AttributeProto[] {floatAttr("epsilon", config.layerNormEps())},
        int8Unbiased(w, dense, x),
        skip,
        weight(w, layerNorm + "/gamma"),
        weight(w, layerNorm + "/beta"),
        weight(w, dense + "/bias"));
  }

  /** [B·L, H] → [B, heads, ·, ·] with the last two axes taken from the split's axes a and b. */
  private String heads(String x, String headShape, int a, int b) {
    return node("Transpose", perm(0, 2, a, b), node("Reshape", x, headShape));
  }

  private String dense(BertWeights w, String name, String x) {
    if (int8 && quantizes(name)) {
      return int8Dense(w, name, x);
    }
    return node("Add", node("MatMul", x, weight(w, name + "/kernel")), weight(w, name + "/bias"));
  }

  private String layerNorm(BertWeights w, String name, String x) {
    return node(
        "LayerNormalization",
        new AttributeProto[] {intAttr("axis", -1), floatAttr("epsilon", config.layerNormEps())},
        x,
        weight(w, name + "/gamma"),
        weight(w, name + "/beta"));
  }

  private String gelu(String x) {
    if (BertConfig.GELU_TANH.equals(config.hiddenAct())) {
      // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), Google's modeling.py
      String inner =
          node(
              "Mul",
              scalar((float) Math.sqrt(2 / Math.PI)),
              node("Add", x, node("Mul", scalar(0.044715f), node("Pow", x, scalar(3f)))));
      return node(
          "Mul", x, node("Mul", scalar(0.5f), node("Add", scalar(1f), node("Tanh", inner))));
    }
    // x · 0.5 (1 + erf(x / √2)) in the order ORT's GeluFusion matches
    String erf = node("Erf", node("Div", x, scalar((float) Math.sqrt(2.0))));
    return node("Mul", node("Mul", x, node("Add", erf, scalar(1f))), scalar(0.5f));
  }

  // --- int8 ----------------------------------------------------------------------------------

  /**
   * Which dense layers run in int8: the encoder's six per layer (Q, K, V, attention output, FFN up
   * and down). The pooler (one row per sentence) stays fp32, as do attention's own products,
   * softmax, LayerNorm, GELU and the embeddings. Measured on MiniLM, 300 europarl sentences, cosine
   * to fp32 ONNX Runtime min / mean and recall@10: all six 0.9826 / 0.9968 / 0.939; FFN down in
   * fp32 0.9855 / 0.9974 / 0.944; the last layer in fp32 0.9873 / 0.9973 / 0.941; both FFN layers
   * in fp32 0.9892 / 0.9981 / 0.950, which keeps the costliest GEMMs in fp32. No choice moved the
   * worst sentence by much, so all six are int8.
   */
  private static boolean quantizes(String name) {
    return name.contains("layer_");
  }

  /**
   * {@code x·W + b} with W as int8 per output column (symmetric, scale max|W[:,n]|/127, from the
   * fp32 weights at load time) and each row of x as uint8 with its own scale max|x[r,:]|/127 and
   * zero point 128. A row's result depends on that row only, so packing does not change it. The
   * integer GEMM is com.microsoft's MatMulIntegerToFloat (u8×s8, the fast kernel) with a_scale 1
   * and no bias input; the row scale and the bias follow as their own Mul and Add. Never a per-row
   * a_scale together with a bias in that op: ORT 1.19.2 then multiplies the bias by the row scale
   * too, and its MatMulIntegerToFloatFusion builds exactly that node from {@code MatMulInteger →
   * Cast → Mul(·, Mul(s, cs)) → Add(b)}, so that pattern is not written either.
   */
  private String int8Dense(BertWeights w, String name, String x) {
    return node("Add", int8Unbiased(w, name, x), weight(w, name + "/bias"));
  }

  /** {@link #int8Dense} before its bias. */
  private String int8Unbiased(BertWeights w, String name, String x) {
    String[] q = quantize(x);
    String kernel = name + "/kernel";
    String wq = kernel + "/int8";
    String cs = kernel + "/int8_scale";
    if (written.add(wq)) {
      TensorData k = w.get(kernel);
      int rows = (int) k.shape()[0];
      int cols = (int) k.shape()[1];
      float[] v = k.values();
      float[] scale = new float[cols];
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          scale[c] = Math.max(scale[c], Math.abs(v[r * cols + c]));
        }
      }
      for (int c = 0; c < cols; c++) {
        scale[c] = Math.max(scale[c] / 127f, 1e-12f);
      }
      byte[] ints = new byte[v.length];
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          float i = Math.round(v[r * cols + c] / scale[c]);
          ints[r * cols + c] = (byte) Math.max(-127, Math.min(127, i));
        }
      }
      graph.addInitializer(OnnxCodec.int8Tensor(wq, k.shape(), ints));
      graph.addInitializer(OnnxCodec.floatTensor(cs, new long[] {cols}, scale));
    }
    String acc =
        node(
            MICROSOFT,
            "MatMulIntegerToFloat",
            new AttributeProto[0],
            q[0],
            wq,
            constant("one", 1f),
            cs,
            zeroPoint());
    return node("Mul", acc, q[1]);
  }

  /** {@code x} [N, K] as uint8 [N, K] (zero point 128) and its row scales [N, 1]. */
  private String[] quantize(String x) {
    String[] have = quantized.get(x);
    if (have != null) {
      return have;
    }
    AttributeProto[] rowwise = {intsAttr("axes", 1), intAttr("keepdims", 1)};
    // a GELU output's largest magnitude is its maximum or at most 0.17: one reduction, not two, on
    // the widest activation
    String amax =
        geluOutputs.contains(x)
            ? node("Max", node("ReduceMax", rowwise, x), constant("gelu_min", GELU_MIN_BOUND))
            : node(
                "Max", node("ReduceMax", rowwise, x), node("Neg", node("ReduceMin", rowwise, x)));
    // an all-zero row: scale 1e-12, every value 128, the result its bias
    String s =
        node("Max", node("Mul", amax, constant("inv127", 1f / 127)), constant("tiny", 1e-12f));
    String s1 = node("Reshape", s, int64s(-1));
    String zp =
        node(
            "ConstantOfShape",
            AttributeProto.newBuilder()
                .setName("value")
                .setType(AttributeProto.AttributeType.TENSOR)
                .setT(
                    OnnxCodec.tensor("", new long[] {1}, OnnxCodec.UINT8, new byte[] {(byte) 128}))
                .build(),
            node("Shape", s1));
    String[] out = {node("QuantizeLinear", intAttr("axis", 0), x, s1, zp), s};
    quantized.put(x, out);
    return out;
  }

  /** [L, 2] of 1.0 for a batch of length L, made once per graph. */
  private String onesColumns() {
    String name = "ones_columns";
    if (written.add(name)) {
      String shape =
          node(
              "Concat",
              intAttr("axis", 0),
              node("Slice", node("Shape", BertSignature.INPUT_IDS), int64s(1), int64s(2)),
              int64s(2));
      graph.addNode(
          NodeProto.newBuilder()
              .addInput(shape)
              .addOutput(name)
              .setName(name)
              .setOpType("ConstantOfShape")
              .addAttribute(
                  AttributeProto.newBuilder()
                      .setName("value")
                      .setType(AttributeProto.AttributeType.TENSOR)
                      .setT(OnnxCodec.floatTensor("", new long[] {1}, new float[] {1f}))));
    }
    return name;
  }

  private String zeroPoint() {
    String name = "const_zp128";
    if (written.add(name)) {
      graph.addInitializer(
          OnnxCodec.tensor(name, new long[0], OnnxCodec.UINT8, new byte[] {(byte) 128}));
    }
    return name;
  }

  /** A float scalar initializer written once under {@code const_NAME}. */
  private String constant(String name, float v) {
    String n = "const_" + name;
    if (written.add(n)) {
      graph.addInitializer(OnnxCodec.floatTensor(n, new long[0], new float[] {v}));
    }
    return n;
  }

  private static AttributeProto intsAttr(String name, long... values) {
    AttributeProto.Builder a =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  // --- graph assembly -------------------------------------------------------------------------

  private String node(String op, String... inputs) {
    return node(op, new AttributeProto[0], inputs);
  }

  private String node(String op, AttributeProto attr, String... inputs) {
    return node(op, new AttributeProto[] {attr}, inputs);
  }

  private String node(String op, AttributeProto[] attrs, String... inputs) {
    return node("", op, attrs, inputs);
  }

  private String node(String domain, String op, AttributeProto[] attrs, String... inputs) {
    String out = op + "_" + counter++;
    graph.addNode(
        NodeProto.newBuilder()
            .setDomain(domain)
            .addAllInput(Arrays.asList(inputs))
            .addOutput(out)
            .setName(out)
            .setOpType(op)
            .addAllAttribute(Arrays.asList(attrs)));
    return out;
  }

  private String rename(String value, String name) {
    graph.addNode(
        NodeProto.newBuilder().addInput(value).addOutput(name).setName(name).setOpType("Identity"));
    return name;
  }

  private String weight(BertWeights w, String name) {
    // the [CLS] tail reads the last layer's weights a second time: one initializer
    if (!written.add(name)) {
      return name;
    }
    TensorData t = w.get(name);
    if (share) {
      shared.put(name, t);
      graph.addInitializer(OnnxCodec.externalTensor(name, t.shape(), FLOAT));
    } else {
      graph.addInitializer(OnnxCodec.floatTensor(name, t.shape(), t.values()));
    }
    return name;
  }

  private String scalar(float v) {
    String name = "const_" + counter++;
    graph.addInitializer(OnnxCodec.floatTensor(name, new long[0], new float[] {v}));
    return name;
  }

  private String int64s(long... values) {
    String name = "const_" + counter++;
    graph.addInitializer(OnnxCodec.int64Tensor(name, new long[] {values.length}, values));
    return name;
  }

  private static AttributeProto intAttr(String name, long value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setI(value)
        .setType(AttributeProto.AttributeType.INT)
        .build();
  }

  private static AttributeProto floatAttr(String name, float value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setF(value)
        .setType(AttributeProto.AttributeType.FLOAT)
        .build();
  }

  private static AttributeProto perm(long... axes) {
    AttributeProto.Builder a =
        AttributeProto.newBuilder().setName("perm").setType(AttributeProto.AttributeType.INTS);
    for (long v : axes) {
      a.addInts(v);
    }
    return a.build();
  }

  private void input(String name, int elemType, String... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (String d : dims) {
      shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(d));
    }
    graph.addInput(
        ValueInfoProto.newBuilder()
            .setName(name)
            .setType(
                TypeProto.newBuilder()
                    .setTensorType(
                        TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape))));
  }

  /** Outputs declare their element type only; ORT infers their shapes. */
  private void output(String name) {
    graph.addOutput(
        ValueInfoProto.newBuilder()
            .setName(name)
            .setType(
                TypeProto.newBuilder()
                    .setTensorType(TypeProto.Tensor.newBuilder().setElemType(FLOAT))));
  }
}
