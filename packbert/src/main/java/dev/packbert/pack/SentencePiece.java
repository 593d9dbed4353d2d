package dev.packbert.pack;

import java.io.Serializable;

/**
 * A sentence, or one part of a split sentence, ready to be placed in a row: provenance plus the
 * token ids it will occupy (at most maxSeqLength).
 */
// Carries primitive arrays to hot loops; never compared or hashed.
@SuppressWarnings("ArrayRecordComponent")
public record SentencePiece(
    String docId,
    int sentenceIndex,
    int begin,
    int end,
    String text,
    int[] tokens,
    int numTokens,
    boolean truncated,
    int part,
    int numParts,
    String unitKey)
    implements Serializable {

  /** A sentence that fits as it is. */
  public static SentencePiece whole(
      String docId, int sentenceIndex, int begin, int end, String text, int[] tokens) {
    return whole(docId, sentenceIndex, begin, end, text, tokens, null);
  }

  /** A sentence that fits as it is, with its unit key (null where the input has none). */
  public static SentencePiece whole(
      String docId,
      int sentenceIndex,
      int begin,
      int end,
      String text,
      int[] tokens,
      String unitKey) {
    return new SentencePiece(
        docId, sentenceIndex, begin, end, text, tokens, tokens.length, false, 0, 1, unitKey);
  }

  public int length() {
    return tokens.length;
  }
}
