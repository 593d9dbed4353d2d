package dev.packbert.weights;

import dev.packbert.model.ModelFormatException;
import dev.packbert.model.TensorData;
import java.util.Arrays;

/**
 * One ONNX TensorProto, decoded by {@link OnnxCodec}. Floating types are widened to float32;
 * integer types (shape constants such as a Reshape target) are kept as longs.
 */
// Carries primitive arrays to hot loops; never compared or hashed.
@SuppressWarnings("ArrayRecordComponent")
public record OnnxTensor(String name, long[] dims, int dataType, float[] floats, long[] longs) {
  public boolean isFloating() {
    return floats != null;
  }

  public TensorData toTensorData(String newName) {
    if (floats == null) {
      throw new ModelFormatException(
          "ONNX tensor " + name + " has data type " + dataType + ", not a float type");
    }
    return new TensorData(newName, dims.clone(), floats);
  }

  @Override
  public String toString() {
    return name + Arrays.toString(dims) + " type " + dataType;
  }
}
