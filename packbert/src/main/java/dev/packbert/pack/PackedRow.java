package dev.packbert.pack;

import java.util.List;

/**
 * One model input row. {@code segmentIds} number the sentences 1..n in order (0 = padding) and are
 * all a block-diagonal attention mask needs; {@code positionIds} restart at 0 for every sentence so
 * each sentence sees the same position embeddings as it would alone.
 */
// Carries primitive arrays to hot loops; never compared or hashed.
@SuppressWarnings("ArrayRecordComponent")
public record PackedRow(
    int[] inputIds,
    int[] segmentIds,
    int[] positionIds,
    int[] tokenTypeIds,
    int numRealTokens,
    List<Placement> sentences) {

  /** Where one piece sits in the row. */
  public record Placement(SentencePiece piece, int offset, int length) {}
}
