package dev.packbert.engine.onnx;

import dev.packbert.engine.BertSignature;
import dev.packbert.engine.BertSignature.Output;
import dev.packbert.model.BertConfig;
import dev.packbert.model.BertWeights;
import dev.packbert.model.TensorData;

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
  // onnx.proto3 field numbers of the messages written here
  private static final int MODEL_IR_VERSION = 1;
  private static final int MODEL_PRODUCER = 2;
  private static final int MODEL_GRAPH = 7;
  private static final int MODEL_OPSET = 8;
  private static final int OPSET_VERSION = 2;
  private static final int GRAPH_NODE = 1;
  private static final int GRAPH_NAME = 2;
  private static final int GRAPH_INITIALIZER = 5;
  private static final int GRAPH_INPUT = 11;
  private static final int GRAPH_OUTPUT = 12;
  private static final int NODE_INPUT = 1;
  private static final int NODE_OUTPUT = 2;
  private static final int NODE_NAME = 3;
  private static final int NODE_OP = 4;
  private static final int NODE_ATTRIBUTE = 5;
  private static final int ATTR_NAME = 1;
  private static final int ATTR_F = 2;
  private static final int ATTR_I = 3;
  private static final int ATTR_INTS = 8;
  private static final int ATTR_TYPE = 20;
  private static final int ATTR_TYPE_FLOAT = 1;
  private static final int ATTR_TYPE_INT = 2;
  private static final int ATTR_TYPE_INTS = 7;
  private static final int TENSOR_DIMS = 1;
  private static final int TENSOR_TYPE = 2;
  private static final int TENSOR_INT64_DATA = 7;
  private static final int TENSOR_NAME = 8;
  private static final int TENSOR_RAW = 9;
  private static final int VALUE_NAME = 1;
  private static final int VALUE_TYPE = 2;
  private static final int TYPE_TENSOR = 1;
  private static final int TENSOR_TYPE_ELEM = 1;
  private static final int TENSOR_TYPE_SHAPE = 2;
  private static final int SHAPE_DIM = 1;
  private static final int DIM_PARAM = 2;

  static final int FLOAT = 1;
  static final int INT32 = 6;
  static final int INT64 = 7;

  /** IR 8 is the first IR version that allows opset 17; ORT 1.19 reads up to IR 10. */
  private static final long IR_VERSION = 8;

  private static final long OPSET = 17;

  /** Google BERT's additive mask value, as the TensorFlow graph: exp(-10000) is 0 in float32. */
  private static final float MASK_ADDER = -10000f;

  private final BertConfig config;
  private final ProtoMessage graph = new ProtoMessage();
  private final java.util.Set<String> written = new java.util.HashSet<>();
  private int counter;

  private OnnxBertGraph(BertConfig config) {
    this.config = config;
  }

  /**
   * The serialized ONNX ModelProto of {@code weights}' encoder; with {@code tokenVectors}, the
   * all-token last layer and its {@link Output#HIDDEN} output too.
   */
  public static byte[] modelBytes(BertWeights weights, boolean tokenVectors) {
    OnnxBertGraph g = new OnnxBertGraph(weights.config());
    g.build(weights, tokenVectors);
    ProtoMessage model =
        new ProtoMessage()
            .varint(MODEL_IR_VERSION, IR_VERSION)
            .string(MODEL_PRODUCER, "packbert")
            .message(MODEL_OPSET, new ProtoMessage().varint(OPSET_VERSION, OPSET))
            .message(MODEL_GRAPH, g.graph);
    return model.toByteArray();
  }

  private void build(BertWeights w, boolean tokenVectors) {
    graph.string(GRAPH_NAME, "packbert_bert");
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
    String probs = node("Softmax", intAttr("axis", -1), scores);
    return node(
        "Reshape", node("Transpose", perm(0, 2, 1, 3), node("MatMul", probs, v)), int64s(-1, h));
  }

  /**
   * The rest of layer {@code i}, row by row: output projection, residual, LayerNorm, FFN, residual,
   * LayerNorm. {@code context} and {@code x} are [N, H] for any N (all tokens, or some of them).
   */
  private String layerTail(BertWeights w, int i, String context, String x) {
    String attention =
        layerNorm(
            w,
            BertWeights.layer(i, "attention/output/LayerNorm"),
            node("Add", dense(w, BertWeights.layer(i, "attention/output/dense"), context), x));
    String inter = gelu(dense(w, BertWeights.layer(i, "intermediate/dense"), attention));
    return layerNorm(
        w,
        BertWeights.layer(i, "output/LayerNorm"),
        node("Add", dense(w, BertWeights.layer(i, "output/dense"), inter), attention));
  }

  /** [B·L, H] → [B, heads, ·, ·] with the last two axes taken from the split's axes a and b. */
  private String heads(String x, String headShape, int a, int b) {
    return node("Transpose", perm(0, 2, a, b), node("Reshape", x, headShape));
  }

  private String dense(BertWeights w, String name, String x) {
    return node("Add", node("MatMul", x, weight(w, name + "/kernel")), weight(w, name + "/bias"));
  }

  private String layerNorm(BertWeights w, String name, String x) {
    return node(
        "LayerNormalization",
        new ProtoMessage[] {intAttr("axis", -1), floatAttr("epsilon", config.layerNormEps())},
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

  // --- graph assembly -------------------------------------------------------------------------

  private String node(String op, String... inputs) {
    return node(op, new ProtoMessage[0], inputs);
  }

  private String node(String op, ProtoMessage attr, String... inputs) {
    return node(op, new ProtoMessage[] {attr}, inputs);
  }

  private String node(String op, ProtoMessage[] attrs, String... inputs) {
    String out = op + "_" + counter++;
    ProtoMessage n = new ProtoMessage();
    for (String in : inputs) {
      n.string(NODE_INPUT, in);
    }
    n.string(NODE_OUTPUT, out).string(NODE_NAME, out).string(NODE_OP, op);
    for (ProtoMessage a : attrs) {
      n.message(NODE_ATTRIBUTE, a);
    }
    graph.message(GRAPH_NODE, n);
    return out;
  }

  private String rename(String value, String name) {
    ProtoMessage n =
        new ProtoMessage()
            .string(NODE_INPUT, value)
            .string(NODE_OUTPUT, name)
            .string(NODE_NAME, name)
            .string(NODE_OP, "Identity");
    graph.message(GRAPH_NODE, n);
    return name;
  }

  private String weight(BertWeights w, String name) {
    // the [CLS] tail reads the last layer's weights a second time: one initializer
    if (!written.add(name)) {
      return name;
    }
    TensorData t = w.get(name);
    ProtoMessage m = new ProtoMessage();
    for (long d : t.shape()) {
      m.varint(TENSOR_DIMS, d);
    }
    m.varint(TENSOR_TYPE, FLOAT).string(TENSOR_NAME, name).rawFloats(TENSOR_RAW, t.values());
    graph.message(GRAPH_INITIALIZER, m);
    return name;
  }

  private String scalar(float v) {
    String name = "const_" + counter++;
    graph.message(
        GRAPH_INITIALIZER,
        new ProtoMessage()
            .varint(TENSOR_TYPE, FLOAT)
            .string(TENSOR_NAME, name)
            .rawFloats(TENSOR_RAW, new float[] {v}));
    return name;
  }

  private String int64s(long... values) {
    String name = "const_" + counter++;
    ProtoMessage m = new ProtoMessage().varint(TENSOR_DIMS, values.length);
    m.varint(TENSOR_TYPE, INT64).string(TENSOR_NAME, name);
    for (long v : values) {
      m.varint(TENSOR_INT64_DATA, v);
    }
    graph.message(GRAPH_INITIALIZER, m);
    return name;
  }

  private static ProtoMessage intAttr(String name, long value) {
    return new ProtoMessage()
        .string(ATTR_NAME, name)
        .varint(ATTR_I, value)
        .varint(ATTR_TYPE, ATTR_TYPE_INT);
  }

  private static ProtoMessage floatAttr(String name, float value) {
    return new ProtoMessage()
        .string(ATTR_NAME, name)
        .float32(ATTR_F, value)
        .varint(ATTR_TYPE, ATTR_TYPE_FLOAT);
  }

  private static ProtoMessage perm(long... axes) {
    ProtoMessage a = new ProtoMessage().string(ATTR_NAME, "perm");
    for (long v : axes) {
      a.varint(ATTR_INTS, v);
    }
    return a.varint(ATTR_TYPE, ATTR_TYPE_INTS);
  }

  private void input(String name, int elemType, String... dims) {
    graph.message(GRAPH_INPUT, valueInfo(name, elemType, dims));
  }

  /** Outputs declare their element type only; ORT infers their shapes. */
  private void output(String name) {
    ProtoMessage tensor = new ProtoMessage().varint(TENSOR_TYPE_ELEM, FLOAT);
    graph.message(
        GRAPH_OUTPUT,
        new ProtoMessage()
            .string(VALUE_NAME, name)
            .message(VALUE_TYPE, new ProtoMessage().message(TYPE_TENSOR, tensor)));
  }

  private static ProtoMessage valueInfo(String name, int elemType, String... dims) {
    ProtoMessage shape = new ProtoMessage();
    for (String d : dims) {
      shape.message(SHAPE_DIM, new ProtoMessage().string(DIM_PARAM, d));
    }
    ProtoMessage tensor =
        new ProtoMessage().varint(TENSOR_TYPE_ELEM, elemType).message(TENSOR_TYPE_SHAPE, shape);
    return new ProtoMessage()
        .string(VALUE_NAME, name)
        .message(VALUE_TYPE, new ProtoMessage().message(TYPE_TENSOR, tensor));
  }
}
