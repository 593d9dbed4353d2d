package dev.packbert.weights;

import dev.packbert.model.BertConfig;
import dev.packbert.model.BertWeights;
import dev.packbert.model.ModelFormatException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * A model looked up once: where its weights are, its vocabulary and casing, its architecture, and
 * how it is meant to be used (pooling, normalization, maximum length). The driver resolves a name
 * or path into this value once, checks that vocabulary and weights belong together, and every stage
 * and every executor task uses the same value; executors only fetch the files {@link #source} names
 * (unpack a named model from its jar, copy a remote directory), never look the name up again.
 */
public final class ResolvedModel implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final BertConfig config;
  private final ModelVocabulary vocabulary;
  private final ModelDefaults defaults;
  private volatile String weightsDigest;

  private ResolvedModel(
      String source, BertConfig config, ModelVocabulary vocabulary, ModelDefaults defaults) {
    this.source = source;
    this.config = config;
    this.vocabulary = vocabulary;
    this.defaults = defaults;
  }

  /** {@link #of(String, Map)} for a model whose files need no Spark settings to read. */
  public static ResolvedModel of(String nameOrPath) {
    return of(nameOrPath, Map.of());
  }

  /**
   * Resolves a registry name or a model directory (local, {@code hdfs://}, {@code s3a://}; a remote
   * one is read with {@code sparkConf}'s {@code spark.hadoop.*} settings). Architecture and
   * vocabulary are read here, the weights are not.
   *
   * @throws ModelFormatException when the model cannot be found or read, or its vocabulary does not
   *     fit its weights
   */
  public static ResolvedModel of(String nameOrPath, Map<String, String> sparkConf) {
    Path dir = ModelRegistry.resolve(nameOrPath, sparkConf);
    BertConfig config = ModelLoader.config(dir);
    ModelVocabulary vocabulary = ModelVocabulary.read(dir);
    if (vocabulary.tokens().size() != config.vocabSize()) {
      throw new ModelFormatException(
          "model "
              + nameOrPath
              + ": vocabulary has "
              + vocabulary.tokens().size()
              + " tokens, weights "
              + config.vocabSize());
    }
    ModelDefaults defaults =
        ModelRegistry.isNamed(nameOrPath)
            ? ModelRegistry.defaults(nameOrPath)
            : ModelDefaults.of(dir);
    return new ResolvedModel(nameOrPath, config, vocabulary, defaults);
  }

  /** The name or path the model was given as: what the output's settings record. */
  public String source() {
    return source;
  }

  public BertConfig config() {
    return config;
  }

  public ModelVocabulary vocabulary() {
    return vocabulary;
  }

  /**
   * Whether the tokenizer lower-cases: the vocabulary's own casing, or sentence-transformers'
   * do_lower_case, which lower-cases before the tokenizer whatever the tokenizer says.
   */
  public boolean lowerCase() {
    return vocabulary.lowerCase() || Boolean.TRUE.equals(defaults.lowerCase());
  }

  public ModelDefaults defaults() {
    return defaults;
  }

  /** The model's files on this machine: unpacked or copied on first use, once per machine. */
  public Path directory() {
    return ModelRegistry.resolve(source, Map.of());
  }

  /** Reads the weights (on the driver to check them, on each executor once to load them). */
  public BertWeights loadWeights() {
    return ModelLoader.weights(directory());
  }

  /**
   * SHA-256 (hex) of the weights' content: every tensor's name, shape and float values, in name
   * order, as loaded (so the same weights in safetensors, ONNX or a TF checkpoint digest alike, and
   * a renamed or moved model keeps its digest). Computed once per JVM (the driver's) and kept: it
   * reads the weights (about 1 s for BERT-base) plus the hashing.
   */
  public String weightsDigest() {
    String d = weightsDigest;
    if (d == null) {
      d = digest(loadWeights());
      weightsDigest = d;
    }
    return d;
  }

  /** {@link #weightsDigest()} of weights already loaded (the driver's check reads them anyway). */
  public String weightsDigest(BertWeights loaded) {
    String d = weightsDigest;
    if (d == null) {
      d = digest(loaded);
      weightsDigest = d;
    }
    return d;
  }

  private static String digest(BertWeights w) {
    java.security.MessageDigest sha;
    try {
      sha = java.security.MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    java.nio.ByteBuffer buf =
        java.nio.ByteBuffer.allocate(1 << 16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (String name : new java.util.TreeSet<>(w.tensors().keySet())) {
      dev.packbert.model.TensorData t = w.tensors().get(name);
      sha.update(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(
          java.util.Arrays.toString(t.shape())
              .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      float[] v = t.values();
      for (int i = 0; i < v.length; ) {
        buf.clear();
        int n = Math.min(v.length - i, buf.capacity() / 4);
        buf.asFloatBuffer().put(v, i, n);
        sha.update(buf.array(), 0, n * 4);
        i += n;
      }
    }
    return java.util.HexFormat.of().formatHex(sha.digest());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResolvedModel m && m.source.equals(source);
  }

  @Override
  public int hashCode() {
    return Objects.hash(source);
  }

  @Override
  public String toString() {
    return source;
  }
}
