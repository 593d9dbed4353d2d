package dev.packbert.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** A seeded random BERT small enough to write and read in milliseconds. */
public final class TinyBert {
  public static final BertConfig CONFIG = new BertConfig(50, 16, 2, 2, 32, 20, 2, 1e-12f, "gelu");

  private TinyBert() {}

  public static BertWeights weights(long seed, boolean pooler) {
    Random r = new Random(seed);
    Map<String, TensorData> m = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> e : BertWeights.expectedShapes(CONFIG, pooler).entrySet()) {
      long n = 1;
      for (long d : e.getValue()) {
        n *= d;
      }
      float[] v = new float[(int) n];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) r.nextGaussian() * 0.1f;
      }
      m.put(e.getKey(), new TensorData(e.getKey(), e.getValue(), v));
    }
    return new BertWeights(CONFIG, m);
  }
}
