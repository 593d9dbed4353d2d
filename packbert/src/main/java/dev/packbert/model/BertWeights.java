package dev.packbert.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The canonical weight set every loader maps to. Names and layouts follow Google's TF checkpoint
 * (without the {@code bert/} prefix): dense kernels are {@code [in, out]}, LayerNorm is gamma/beta.
 */
public final class BertWeights {
  public static final String WORD = "embeddings/word_embeddings";
  public static final String POSITION = "embeddings/position_embeddings";
  public static final String TOKEN_TYPE = "embeddings/token_type_embeddings";
  public static final String EMB_LN = "embeddings/LayerNorm";
  public static final String POOLER = "pooler/dense";

  private final BertConfig config;
  private final Map<String, TensorData> tensors;

  public BertWeights(BertConfig config, Map<String, TensorData> tensors) {
    this.config = config;
    this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
  }

  public static String layer(int i, String suffix) {
    return "encoder/layer_" + i + "/" + suffix;
  }

  /** Every tensor the encoder needs, with its expected shape; the pooler is optional. */
  public static Map<String, long[]> expectedShapes(BertConfig c, boolean withPooler) {
    long h = c.hiddenSize();
    long im = c.intermediateSize();
    Map<String, long[]> m = new LinkedHashMap<>();
    m.put(WORD, new long[] {c.vocabSize(), h});
    m.put(POSITION, new long[] {c.maxPositions(), h});
    m.put(TOKEN_TYPE, new long[] {c.typeVocabSize(), h});
    m.put(EMB_LN + "/gamma", new long[] {h});
    m.put(EMB_LN + "/beta", new long[] {h});
    for (int i = 0; i < c.numLayers(); i++) {
      for (String qkv : List.of("query", "key", "value")) {
        m.put(layer(i, "attention/self/" + qkv + "/kernel"), new long[] {h, h});
        m.put(layer(i, "attention/self/" + qkv + "/bias"), new long[] {h});
      }
      m.put(layer(i, "attention/output/dense/kernel"), new long[] {h, h});
      m.put(layer(i, "attention/output/dense/bias"), new long[] {h});
      m.put(layer(i, "attention/output/LayerNorm/gamma"), new long[] {h});
      m.put(layer(i, "attention/output/LayerNorm/beta"), new long[] {h});
      m.put(layer(i, "intermediate/dense/kernel"), new long[] {h, im});
      m.put(layer(i, "intermediate/dense/bias"), new long[] {im});
      m.put(layer(i, "output/dense/kernel"), new long[] {im, h});
      m.put(layer(i, "output/dense/bias"), new long[] {h});
      m.put(layer(i, "output/LayerNorm/gamma"), new long[] {h});
      m.put(layer(i, "output/LayerNorm/beta"), new long[] {h});
    }
    if (withPooler) {
      m.put(POOLER + "/kernel", new long[] {h, h});
      m.put(POOLER + "/bias", new long[] {h});
    }
    return m;
  }

  public BertConfig config() {
    return config;
  }

  public boolean hasPooler() {
    return tensors.containsKey(POOLER + "/kernel") && tensors.containsKey(POOLER + "/bias");
  }

  public TensorData get(String name) {
    TensorData t = tensors.get(name);
    if (t == null) {
      throw new ModelFormatException("missing tensor " + name);
    }
    return t;
  }

  public Map<String, TensorData> tensors() {
    return tensors;
  }

  /**
   * Checks names, shapes and values against the config and throws naming the first bad tensor, so a
   * broken file fails at load time with a readable message instead of inside the graph.
   */
  public BertWeights validate() {
    for (Map.Entry<String, long[]> e : expectedShapes(config, hasPooler()).entrySet()) {
      TensorData t = tensors.get(e.getKey());
      if (t == null) {
        throw new ModelFormatException("missing tensor " + e.getKey());
      }
      if (!Arrays.equals(t.shape(), e.getValue())) {
        throw new ModelFormatException(
            "tensor "
                + e.getKey()
                + " has shape "
                + Arrays.toString(t.shape())
                + ", the config needs "
                + Arrays.toString(e.getValue()));
      }
      float[] v = t.values();
      for (int i = 0; i < v.length; i++) {
        if (!Float.isFinite(v[i])) {
          throw new ModelFormatException(
              "tensor " + e.getKey() + " holds a non-finite value at index " + i);
        }
      }
    }
    return this;
  }

  public long parameterCount() {
    long n = 0;
    for (TensorData t : tensors.values()) {
      n += t.values().length;
    }
    return n;
  }

  public List<String> names() {
    return new ArrayList<>(tensors.keySet());
  }
}
