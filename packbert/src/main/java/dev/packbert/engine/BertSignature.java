package dev.packbert.engine;

/**
 * The feeds and fetches of PackBERT's BERT graph, the same in TensorFlow and in ONNX, so both
 * engines are driven by one {@link LoadedEngine}.
 *
 * <p>Feeds: {@link #INPUT_IDS}, {@link #TOKEN_TYPE_IDS}, {@link #POSITION_IDS} ({@code [B, L]}
 * int32; positions restart at 0 for each packed sentence), {@link #ATTENTION_MASK} ({@code [B, L,
 * L]} float32, 1 = may attend: the block-diagonal mask of the packed sentences, or a user's own)
 * and {@link #CLS_INDEX} ({@code [S]} int32: the flat index of each sentence's first token).
 */
public final class BertSignature {
  public static final String INPUT_IDS = "input_ids";
  public static final String TOKEN_TYPE_IDS = "token_type_ids";
  public static final String POSITION_IDS = "position_ids";
  public static final String ATTENTION_MASK = "attention_mask";
  public static final String CLS_INDEX = "cls_index";

  /** What a graph can be asked for. */
  public enum Output {
    /** {@code [B·L, H]}: every token's last-layer vector (mean and max pool from it). */
    HIDDEN("last_hidden_state"),
    /**
     * {@code [S, H]}: each sentence's [CLS] vector. The last layer's attention sees every token,
     * but its output projection, FFN and LayerNorms run on the [CLS] rows only.
     */
    CLS("cls"),
    /** {@code [S, H]}: BERT's pooler, tanh(dense(CLS)); only for models with pooler weights. */
    POOLER("pooler");

    private final String tensor;

    Output(String tensor) {
      this.tensor = tensor;
    }

    /** The tensor's name in both graphs. */
    public String tensor() {
      return tensor;
    }
  }

  private BertSignature() {}
}
