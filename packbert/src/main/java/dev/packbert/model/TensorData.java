package dev.packbert.model;

import java.util.Arrays;

/** One float32 weight tensor in row-major order, as read from any weight format. */
// Carries primitive arrays to hot loops; never compared or hashed.
@SuppressWarnings("ArrayRecordComponent")
public record TensorData(String name, long[] shape, float[] values) {

  public TensorData {
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new ModelFormatException(
            "tensor " + name + " has a negative dimension " + Arrays.toString(shape));
      }
      n = Math.multiplyExact(n, d);
    }
    if (n != values.length) {
      throw new ModelFormatException(
          "tensor "
              + name
              + " has shape "
              + Arrays.toString(shape)
              + " but "
              + values.length
              + " values");
    }
  }

  public int rank() {
    return shape.length;
  }

  /**
   * The same values seen as the transpose of a 2D matrix (HF/ONNX Linear [out,in] to Google kernel
   * [in,out]).
   */
  public TensorData transpose2d(String newName) {
    if (shape.length != 2) {
      throw new ModelFormatException("tensor " + name + " is not 2D: " + Arrays.toString(shape));
    }
    int rows = (int) shape[0];
    int cols = (int) shape[1];
    float[] t = new float[values.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        t[c * rows + r] = values[r * cols + c];
      }
    }
    return new TensorData(newName, new long[] {cols, rows}, t);
  }

  public TensorData renamed(String newName) {
    return new TensorData(newName, shape, values);
  }

  @Override
  public String toString() {
    return name + Arrays.toString(shape);
  }
}
