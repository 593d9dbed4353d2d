package dev.packbert.engine.tensorflow;

import dev.packbert.engine.BertSignature;
import dev.packbert.engine.BertSignature.Output;
import dev.packbert.model.BertConfig;
import dev.packbert.model.BertWeights;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.OperationBuilder;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.nn.FusedBatchNorm;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A BERT encoder for packed rows, built with TensorFlow Java's ops API, with the feeds and fetches
 * of {@link BertSignature}: the block-diagonal (or any) attention mask comes in as a feed, and the
 * fetches are the last layer's token vectors, each sentence's [CLS] vector and the pooler.
 *
 * <p>Weights live in resource variables assigned once from fed tensors, not in graph constants: the
 * graph stays a few hundred KB, and grappler does not constant-fold 400 MB of weights.
 */
public final class BertGraph {
  /** Google BERT's additive mask value: exp(-10000) underflows to exactly 0 in float32. */
  private static final float MASK_ADDER = -10000f;

  private final BertConfig config;
  private final boolean withPooler;

  /** weight name → [placeholder op name, assign op name], used once to load the weights. */
  private final Map<String, String[]> weightFeeds = new LinkedHashMap<>();

  /** weight name → its one ReadVariableOp, so a weight used twice is read once. */
  private final Map<String, Operand<TFloat32>> reads = new HashMap<>();

  private final Ops tf;

  private BertGraph(Graph graph, BertConfig config, boolean withPooler) {
    this.config = config;
    this.withPooler = withPooler;
    this.tf = Ops.create(graph);
  }

  /** Adds the encoder to {@code graph}; see the class comment for the feeds and fetches. */
  public static BertGraph build(Graph graph, BertConfig config, boolean withPooler) {
    BertGraph g = new BertGraph(graph, config, withPooler);
    g.buildAll();
    return g;
  }

  public Map<String, String[]> weightFeeds() {
    return weightFeeds;
  }

  public BertConfig config() {
    return config;
  }

  public boolean hasPooler() {
    return withPooler;
  }

  private void buildAll() {
    Placeholder<TInt32> inputIds = intInput(BertSignature.INPUT_IDS, Shape.of(-1, -1));
    Placeholder<TInt32> tokenTypeIds = intInput(BertSignature.TOKEN_TYPE_IDS, Shape.of(-1, -1));
    Placeholder<TInt32> positionIds = intInput(BertSignature.POSITION_IDS, Shape.of(-1, -1));
    Placeholder<TFloat32> mask =
        tf.withName(BertSignature.ATTENTION_MASK)
            .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, -1)));
    Placeholder<TInt32> clsIndex = intInput(BertSignature.CLS_INDEX, Shape.of(-1));

    int h = config.hiddenSize();
    Operand<TInt32> batchAndLength = tf.shape(inputIds);

    Operand<TFloat32> x = embeddings(inputIds, tokenTypeIds, positionIds);
    // [B, 1, L, L]: one additive mask shared by all heads
    Operand<TFloat32> adder =
        tf.expandDims(
            tf.math.mul(tf.math.sub(tf.constant(1f), mask), tf.constant(MASK_ADDER)),
            tf.constant(1));
    int last = config.numLayers() - 1;
    for (int i = 0; i < last; i++) {
      Ops l = tf.withSubScope("layer_" + i);
      x = layerTail(l, i, attentionContext(l, i, x, adder, batchAndLength), x);
    }
    Ops l = tf.withSubScope("layer_" + last);
    Operand<TFloat32> beforeLast = x;
    Operand<TFloat32> lastContext = attentionContext(l, last, beforeLast, adder, batchAndLength);
    tf.withName(Output.HIDDEN.tensor()).identity(layerTail(l, last, lastContext, beforeLast));

    // A [CLS] vector needs every token's keys and values in the last layer, but its own row alone
    // after attention: the last layer's output projection, FFN and LayerNorms on [S, H] instead of
    // [B*L, H] (a 12-layer model fetching only cls or pooler skips ~6 % of its FLOPs).
    Operand<TFloat32> cls =
        tf.withName(Output.CLS.tensor())
            .identity(
                layerTail(
                    tf.withSubScope("layer_" + last + "_cls"),
                    last,
                    tf.gather(lastContext, clsIndex, tf.constant(0)),
                    tf.gather(beforeLast, clsIndex, tf.constant(0))));
    if (withPooler) {
      Ops p = tf.withSubScope("pooler_dense");
      tf.withName(Output.POOLER.tensor()).math.tanh(dense(p, BertWeights.POOLER, cls, h, h));
    }
  }

  private Placeholder<TInt32> intInput(String name, Shape shape) {
    return tf.withName(name).placeholder(TInt32.class, Placeholder.shape(shape));
  }

  /** Word + position + token type embeddings and LayerNorm, flattened to [B*L, H]. */
  private Operand<TFloat32> embeddings(
      Operand<TInt32> ids, Operand<TInt32> types, Operand<TInt32> positions) {
    Ops e = tf.withSubScope("embeddings");
    int h = config.hiddenSize();
    Operand<TFloat32> word =
        e.gather(weight(e, BertWeights.WORD, config.vocabSize(), h), ids, e.constant(0));
    Operand<TFloat32> pos =
        e.gather(
            weight(e, BertWeights.POSITION, config.maxPositions(), h), positions, e.constant(0));
    Operand<TFloat32> type =
        e.gather(
            weight(e, BertWeights.TOKEN_TYPE, config.typeVocabSize(), h), types, e.constant(0));
    Operand<TFloat32> sum = e.math.add(e.math.add(word, pos), type);
    return layerNorm(e, BertWeights.EMB_LN, e.reshape(sum, e.constant(new int[] {-1, h})));
  }

  /** Self-attention of layer {@code i} before its output projection: [B*L, H] in and out. */
  private Operand<TFloat32> attentionContext(
      Ops l, int i, Operand<TFloat32> x, Operand<TFloat32> adder, Operand<TInt32> batchAndLength) {
    int h = config.hiddenSize();
    int heads = config.numHeads();
    int dh = config.headSize();
    Operand<TInt32> splitShape =
        l.concat(List.of(batchAndLength, l.constant(new int[] {heads, dh})), l.constant(0));
    Operand<TInt32> toHeads = l.constant(new int[] {0, 2, 1, 3});

    Operand<TFloat32> q =
        l.linalg.transpose(
            l.reshape(dense(l, BertWeights.layer(i, "attention/self/query"), x, h, h), splitShape),
            toHeads);
    // [B, heads, dh, L]: keys laid out for q·kᵀ, so the batch matmul needs no transpose of its own
    Operand<TFloat32> kT =
        l.linalg.transpose(
            l.reshape(dense(l, BertWeights.layer(i, "attention/self/key"), x, h, h), splitShape),
            l.constant(new int[] {0, 2, 3, 1}));
    Operand<TFloat32> v =
        l.linalg.transpose(
            l.reshape(dense(l, BertWeights.layer(i, "attention/self/value"), x, h, h), splitShape),
            toHeads);

    Operand<TFloat32> scores = batchMatMul(l, q, kT);
    scores = l.math.add(l.math.mul(scores, l.constant((float) (1.0 / Math.sqrt(dh)))), adder);
    Operand<TFloat32> probs = l.nn.softmax(scores);
    Operand<TFloat32> context = batchMatMul(l, probs, v);
    return l.reshape(l.linalg.transpose(context, toHeads), l.constant(new int[] {-1, h}));
  }

  /**
   * The rest of layer {@code i}, row by row: output projection, residual, LayerNorm, FFN, residual,
   * LayerNorm. {@code context} and {@code x} are [N, H] for any N (all tokens, or some of them).
   */
  private Operand<TFloat32> layerTail(
      Ops l, int i, Operand<TFloat32> context, Operand<TFloat32> x) {
    int h = config.hiddenSize();
    Operand<TFloat32> attention =
        layerNorm(
            l,
            BertWeights.layer(i, "attention/output/LayerNorm"),
            addV2(l, dense(l, BertWeights.layer(i, "attention/output/dense"), context, h, h), x));
    Operand<TFloat32> inter =
        gelu(
            l,
            dense(
                l,
                BertWeights.layer(i, "intermediate/dense"),
                attention,
                h,
                config.intermediateSize()));
    return layerNorm(
        l,
        BertWeights.layer(i, "output/LayerNorm"),
        addV2(
            l,
            dense(l, BertWeights.layer(i, "output/dense"), inter, config.intermediateSize(), h),
            attention));
  }

  /**
   * BatchMatMulV2, built by name: TF Java's only batch matmul op class is BatchMatMulV3, which
   * oneDNN's graph rewrite leaves to TF's own kernel; V2 runs as oneDNN's _MklBatchMatMulV2.
   */
  private static Operand<TFloat32> batchMatMul(Ops o, Operand<TFloat32> x, Operand<TFloat32> y) {
    return binaryOp(o, "BatchMatMulV2", x, y);
  }

  /**
   * AddV2, built by name: TF Java's math.add is the older Add, which the remapper's patterns skip.
   */
  private static Operand<TFloat32> addV2(Ops o, Operand<TFloat32> x, Operand<TFloat32> y) {
    return binaryOp(o, "AddV2", x, y);
  }

  /** A two-input float op by its TF op type, for the types TF Java has no (matching) class for. */
  private static Operand<TFloat32> binaryOp(
      Ops o, String type, Operand<TFloat32> x, Operand<TFloat32> y) {
    OperationBuilder b = o.scope().opBuilder(type, type);
    b.addInput(x.asOutput());
    b.addInput(y.asOutput());
    return b.build().output(0);
  }

  private Operand<TFloat32> dense(Ops o, String name, Operand<TFloat32> x, int in, int out) {
    Operand<TFloat32> kernel = weight(o, name + "/kernel", in, out);
    Operand<TFloat32> bias = weight(o, name + "/bias", out);
    return o.nn.biasAdd(o.linalg.matMul(x, kernel), bias);
  }

  private Operand<TFloat32> layerNorm(Ops o, String name, Operand<TFloat32> x) {
    // Keras's CPU form: [N, H] as one image of N channels, normalised per channel by
    // FusedBatchNormV3 in training mode, then γ and β. oneDNN's remapper fuses exactly this
    // subgraph into _MklLayerNorm (it does not match the mean/variance form).
    Ops n = o.withSubScope("layer_norm");
    Operand<TInt32> shape = n.shape(x);
    Operand<TInt32> rows = n.slice(shape, n.constant(new int[] {0}), n.constant(new int[] {1}));
    Operand<TFloat32> image =
        n.reshape(
            x,
            n.concat(
                List.of(
                    n.constant(new int[] {1}),
                    rows,
                    n.constant(new int[] {config.hiddenSize(), 1})),
                n.constant(0)));
    Operand<TFloat32> empty = n.constant(new float[0]);
    var normed =
        n.nn.fusedBatchNorm(
            image,
            n.fill(rows, n.constant(1f)),
            n.fill(rows, n.constant(0f)),
            empty,
            empty,
            FusedBatchNorm.epsilon((float) config.layerNormEps()),
            FusedBatchNorm.dataFormat("NCHW"),
            FusedBatchNorm.isTraining(true));
    Operand<TFloat32> back = n.reshape(normed.y(), shape);
    return addV2(
        n,
        n.math.mul(back, weight(o, name + "/gamma", config.hiddenSize())),
        weight(o, name + "/beta", config.hiddenSize()));
  }

  private Operand<TFloat32> gelu(Ops o, Operand<TFloat32> x) {
    Operand<TFloat32> half = o.constant(0.5f);
    Operand<TFloat32> one = o.constant(1f);
    if (BertConfig.GELU_TANH.equals(config.hiddenAct())) {
      // Google's modeling.py: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). The op order
      // (AddV2, x^3 as 0.044715 x · x², where the constants sit) is the one that, after grappler's
      // arithmetic pass reorders constants, matches the remapper's pattern for fusing the whole
      // expression into the matmul (oneDNN's GeluApproximate); other orders stay Eigen op chains.
      Operand<TFloat32> cubeTerm =
          o.math.mul(o.math.mul(o.constant(0.044715f), x), o.math.square(x));
      Operand<TFloat32> inner =
          o.math.mul(o.constant((float) Math.sqrt(2 / Math.PI)), addV2(o, x, cubeTerm));
      return o.math.mul(o.math.mul(half, x), addV2(o, one, o.math.tanh(inner)));
    }
    Operand<TFloat32> cdf =
        o.math.mul(
            half, o.math.add(one, o.math.erf(o.math.div(x, o.constant((float) Math.sqrt(2.0))))));
    return o.math.mul(x, cdf);
  }

  /**
   * A resource variable for one canonical weight, plus the placeholder and assign op that load it.
   */
  private Operand<TFloat32> weight(Ops o, String name, long... shape) {
    // the [CLS] tail reads the last layer's weights a second time: one variable, one read
    Operand<TFloat32> read = reads.get(name);
    if (read != null) {
      return read;
    }
    String scope = name.replace('/', '_');
    Ops w = tf.withSubScope("weights").withSubScope(scope);
    // An empty shared_name would make every VarHandleOp of the session alias one resource.
    var handle =
        w.withName("var")
            .varHandleOp(
                TFloat32.class,
                Shape.of(shape),
                org.tensorflow.op.core.VarHandleOp.sharedName("packbert/" + name));
    Placeholder<TFloat32> value =
        w.withName("value").placeholder(TFloat32.class, Placeholder.shape(Shape.of(shape)));
    var assign = w.withName("assign").assignVariableOp(handle, value);
    weightFeeds.put(name, new String[] {value.op().name(), assign.op().name()});
    read = o.readVariableOp(handle, TFloat32.class);
    reads.put(name, read);
    return read;
  }

  /** Canonical names the graph reads, in build order. */
  public List<String> weightNames() {
    return new ArrayList<>(weightFeeds.keySet());
  }
}
