package dev.packbert.weights;

import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/** TensorFlow tensors as Java arrays: for the checkpoint reader here and the TensorFlow engine. */
public final class TfTensors {
  private TfTensors() {}

  /** A TF float tensor's values in row-major order (the tensor stays open; its owner closes it). */
  public static float[] floats(TFloat32 t) {
    float[] a = new float[Math.toIntExact(t.size())];
    t.copyTo(NdArrays.wrap(t.shape(), DataBuffers.of(a, false, false)));
    return a;
  }
}
