package dev.packbert.model;

import java.util.EnumMap;
import java.util.Map;

/**
 * Pooled vectors of the sentences of one batch: for each pooling, a row-major [sentences, hidden]
 * array.
 */
public record SentenceVectors(int sentences, int hidden, Map<Pooling, float[]> byPooling) {

  public SentenceVectors {
    byPooling = new EnumMap<>(byPooling);
  }

  /** The same vectors, each L2-normalized ({@link L2Norm}); whichever engine produced them. */
  public SentenceVectors normalized() {
    Map<Pooling, float[]> out = new EnumMap<>(Pooling.class);
    byPooling.forEach(
        (p, all) -> {
          float[] copy = all.clone();
          L2Norm.normalizeRows(copy, sentences, hidden);
          out.put(p, copy);
        });
    return new SentenceVectors(sentences, hidden, out);
  }

  public float[] vector(Pooling p, int sentence) {
    float[] all = byPooling.get(p);
    if (all == null) {
      throw new IllegalArgumentException("pooling " + p + " was not computed");
    }
    float[] v = new float[hidden];
    System.arraycopy(all, sentence * hidden, v, 0, hidden);
    return v;
  }
}
