package dev.packbert.model;

import java.util.Arrays;

/**
 * Mean and max pooling of each packed sentence's token vectors, for every engine: the graphs give
 * the last layer's {@code [B·L, H]} token vectors and the pooling happens here, once. ([CLS] and
 * the pooler stay in the graphs, which skip the last layer's work on the other tokens for them.)
 */
public final class SentencePooling {
  private SentencePooling() {}

  /**
   * Mean over each sentence's tokens, [CLS] and [SEP] included (as sentence-transformers), summed
   * in token order in float32.
   */
  public static float[] mean(PackedBatch b, float[] hidden, int h) {
    float[] mean = new float[b.sentences() * h];
    for (int s = 0; s < b.sentences(); s++) {
      int first = b.sentenceRow[s] * b.length + b.sentenceOffset[s];
      int n = b.sentenceLength[s];
      for (int t = first; t < first + n; t++) {
        for (int d = 0; d < h; d++) {
          mean[s * h + d] += hidden[t * h + d];
        }
      }
      for (int d = 0; d < h; d++) {
        mean[s * h + d] /= n;
      }
    }
    return mean;
  }

  /** Element-wise max over each sentence's tokens. */
  public static float[] max(PackedBatch b, float[] hidden, int h) {
    float[] max = new float[b.sentences() * h];
    Arrays.fill(max, Float.NEGATIVE_INFINITY);
    for (int s = 0; s < b.sentences(); s++) {
      int first = b.sentenceRow[s] * b.length + b.sentenceOffset[s];
      for (int t = first; t < first + b.sentenceLength[s]; t++) {
        for (int d = 0; d < h; d++) {
          max[s * h + d] = Math.max(max[s * h + d], hidden[t * h + d]);
        }
      }
    }
    return max;
  }
}
