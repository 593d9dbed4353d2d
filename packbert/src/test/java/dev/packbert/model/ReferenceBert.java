package dev.packbert.model;

/** A deliberately naive BERT encoder in plain Java, only as a test oracle for the loaders. */
public final class ReferenceBert {
  private ReferenceBert() {}

  public static float[][] lastHidden(BertWeights w, long[] ids) {
    int[] positions = new int[ids.length];
    for (int i = 0; i < positions.length; i++) {
      positions[i] = i;
    }
    return lastHidden(w, ids, positions, null);
  }

  /**
   * With explicit position ids and an arbitrary attention mask (mask[i][j] = 1: token i may attend
   * to j; null = all), masked scores get Google BERT's additive -10000.
   */
  public static float[][] lastHidden(BertWeights w, long[] ids, int[] positions, float[][] mask) {
    BertConfig c = w.config();
    int n = ids.length;
    int h = c.hiddenSize();
    float[][] x = new float[n][h];
    float[] word = w.get(BertWeights.WORD).values();
    float[] pos = w.get(BertWeights.POSITION).values();
    float[] type = w.get(BertWeights.TOKEN_TYPE).values();
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < h; j++) {
        x[i][j] = word[(int) ids[i] * h + j] + pos[positions[i] * h + j] + type[j];
      }
    }
    x = layerNorm(x, w, BertWeights.EMB_LN, c.layerNormEps());
    for (int l = 0; l < c.numLayers(); l++) {
      float[][] q = dense(x, w, BertWeights.layer(l, "attention/self/query"));
      float[][] k = dense(x, w, BertWeights.layer(l, "attention/self/key"));
      float[][] v = dense(x, w, BertWeights.layer(l, "attention/self/value"));
      float[][] ctx = new float[n][h];
      int d = c.headSize();
      for (int hd = 0; hd < c.numHeads(); hd++) {
        for (int i = 0; i < n; i++) {
          double[] s = new double[n];
          double max = Double.NEGATIVE_INFINITY;
          for (int j = 0; j < n; j++) {
            double dot = 0;
            for (int e = 0; e < d; e++) {
              dot += q[i][hd * d + e] * k[j][hd * d + e];
            }
            s[j] = dot / Math.sqrt(d) + (mask == null ? 0 : (1 - mask[i][j]) * -10000.0);
            max = Math.max(max, s[j]);
          }
          double sum = 0;
          for (int j = 0; j < n; j++) {
            s[j] = Math.exp(s[j] - max);
            sum += s[j];
          }
          for (int e = 0; e < d; e++) {
            double acc = 0;
            for (int j = 0; j < n; j++) {
              acc += s[j] / sum * v[j][hd * d + e];
            }
            ctx[i][hd * d + e] = (float) acc;
          }
        }
      }
      x =
          layerNorm(
              add(dense(ctx, w, BertWeights.layer(l, "attention/output/dense")), x),
              w,
              BertWeights.layer(l, "attention/output/LayerNorm"),
              c.layerNormEps());
      float[][] inter = dense(x, w, BertWeights.layer(l, "intermediate/dense"));
      for (float[] row : inter) {
        for (int j = 0; j < row.length; j++) {
          row[j] = (float) (0.5 * row[j] * (1 + erf(row[j] / Math.sqrt(2))));
        }
      }
      x =
          layerNorm(
              add(dense(inter, w, BertWeights.layer(l, "output/dense")), x),
              w,
              BertWeights.layer(l, "output/LayerNorm"),
              c.layerNormEps());
    }
    return x;
  }

  private static float[][] dense(float[][] x, BertWeights w, String prefix) {
    TensorData k = w.get(prefix + "/kernel");
    float[] b = w.get(prefix + "/bias").values();
    int in = (int) k.shape()[0];
    int out = (int) k.shape()[1];
    float[][] y = new float[x.length][out];
    for (int i = 0; i < x.length; i++) {
      for (int o = 0; o < out; o++) {
        double acc = b[o];
        for (int j = 0; j < in; j++) {
          acc += x[i][j] * k.values()[j * out + o];
        }
        y[i][o] = (float) acc;
      }
    }
    return y;
  }

  private static float[][] add(float[][] a, float[][] b) {
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        a[i][j] += b[i][j];
      }
    }
    return a;
  }

  private static float[][] layerNorm(float[][] x, BertWeights w, String prefix, float eps) {
    float[] g = w.get(prefix + "/gamma").values();
    float[] be = w.get(prefix + "/beta").values();
    float[][] y = new float[x.length][];
    for (int i = 0; i < x.length; i++) {
      double mean = 0;
      for (float f : x[i]) {
        mean += f;
      }
      mean /= x[i].length;
      double var = 0;
      for (float f : x[i]) {
        var += (f - mean) * (f - mean);
      }
      var /= x[i].length;
      y[i] = new float[x[i].length];
      for (int j = 0; j < x[i].length; j++) {
        y[i][j] = (float) ((x[i][j] - mean) / Math.sqrt(var + eps) * g[j] + be[j]);
      }
    }
    return y;
  }

  /**
   * erf by its Taylor series (|x| < 3) or the asymptotic tail; both far below the 1e-4 tolerance.
   */
  public static double erf(double x) {
    double ax = Math.abs(x);
    double r;
    if (ax < 3) {
      double term = ax;
      double sum = ax;
      for (int k = 1; k < 60; k++) {
        term *= -ax * ax / k;
        sum += term / (2 * k + 1);
      }
      r = 2 / Math.sqrt(Math.PI) * sum;
    } else {
      double t = 1 / (2 * ax * ax);
      r = 1 - Math.exp(-ax * ax) / (ax * Math.sqrt(Math.PI)) * (1 - t + 3 * t * t - 15 * t * t * t);
    }
    return x < 0 ? -r : r;
  }
}
