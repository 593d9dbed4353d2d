package dev.packbert.weights;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import dev.packbert.model.ModelFormatException;
import dev.packbert.onnx.proto.Onnx.ModelProto;
import dev.packbert.onnx.proto.Onnx.StringStringEntryProto;
import dev.packbert.onnx.proto.Onnx.TensorProto;
import dev.packbert.onnx.proto.Onnx.TensorProto.DataType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * PackBERT's one ONNX codec: every ONNX file it reads or writes goes through the classes protoc
 * generates from the vendored {@code src/main/proto/onnx.proto} ({@code dev.packbert.onnx.proto});
 * this class adds what they do not do themselves.
 *
 * <p>Reading: a model is parsed from one {@code byte[]} with aliasing on, so each initializer's
 * {@code raw_data} is a view of the file's bytes, never a copy; protobuf checks every length prefix
 * against the bytes left, so a corrupt file fails in one line ({@link ModelFormatException}), never
 * with an allocation of whatever it claims. {@link #floats} and {@link #longs} decode a tensor's
 * values whichever of ONNX's fields holds them, checked against its shape.
 *
 * <p>Writing: {@link #floatTensor} and {@link #int8Tensor} wrap the little-endian bytes of a weight
 * as {@code raw_data} without a second copy ({@link UnsafeByteOperations#unsafeWrap}), so a model
 * costs its weights once more on the heap while it is serialized.
 */
public final class OnnxCodec {
  /** A protobuf message cannot exceed 2 GB; bigger models use external data, which is rejected. */
  public static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 8L;

  public static final int FLOAT = DataType.FLOAT_VALUE;
  public static final int UINT8 = DataType.UINT8_VALUE;
  public static final int INT8 = DataType.INT8_VALUE;
  public static final int INT32 = DataType.INT32_VALUE;
  public static final int INT64 = DataType.INT64_VALUE;
  public static final int FLOAT16 = DataType.FLOAT16_VALUE;
  public static final int DOUBLE = DataType.DOUBLE_VALUE;
  public static final int BFLOAT16 = DataType.BFLOAT16_VALUE;

  private OnnxCodec() {}

  // --- reading ---------------------------------------------------------------------------------

  public static ModelProto read(Path file) {
    try {
      long size = Files.size(file);
      if (size > MAX_FILE_BYTES) {
        throw new ModelFormatException(
            file
                + ": "
                + size
                + " bytes is more than a single ONNX protobuf can hold (models with external data are not supported)");
      }
      return parse(Files.readAllBytes(file), file.toString());
    } catch (IOException e) {
      throw new ModelFormatException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  public static ModelProto read(InputStream stream, String source) {
    try {
      byte[] bytes = stream.readNBytes((int) MAX_FILE_BYTES + 1);
      if (bytes.length > MAX_FILE_BYTES) {
        throw new ModelFormatException(
            source + ": more bytes than a single ONNX protobuf can hold");
      }
      return parse(bytes, source);
    } catch (IOException e) {
      throw new ModelFormatException(source + ": cannot read: " + e.getMessage(), e);
    }
  }

  /**
   * Parses a ModelProto whose {@code bytes} fields alias {@code bytes} (keep it unchanged while the
   * model is in use). Checks what protobuf cannot: a graph and an opset_import are there.
   */
  public static ModelProto parse(byte[] bytes, String source) {
    ModelProto model;
    try {
      // a stream over an immutable ByteString: only then does aliasing make bytes fields views
      CodedInputStream in = UnsafeByteOperations.unsafeWrap(bytes).newCodedInput();
      in.enableAliasing(true);
      in.setSizeLimit(Integer.MAX_VALUE);
      model = ModelProto.parseFrom(in);
    } catch (InvalidProtocolBufferException e) {
      throw new ModelFormatException(
          source + ": not a readable ONNX model (truncated or corrupt): " + oneLine(e), e);
    } catch (IOException | RuntimeException e) {
      throw new ModelFormatException(source + ": not a readable ONNX model: " + oneLine(e), e);
    }
    if (!model.hasGraph()) {
      throw new ModelFormatException(source + ": no graph found (not an ONNX model, or truncated)");
    }
    // The model is parsed to its last byte, so a cut inside any field fails above; a cut exactly
    // between top-level fields is caught only if it removes a field every model has. opset_import
    // is required by the ONNX spec and exporters write it after the graph.
    if (model.getOpsetImportCount() == 0) {
      throw new ModelFormatException(
          source + ": no opset_import after the graph (truncated file?)");
    }
    return model;
  }

  private static String oneLine(Exception e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.replaceAll("\\s+", " ").trim();
  }

  public static boolean isFloating(TensorProto t) {
    int type = t.getDataType();
    return type == FLOAT || type == FLOAT16 || type == BFLOAT16 || type == DOUBLE;
  }

  public static boolean isInteger(TensorProto t) {
    return t.getDataType() == INT32 || t.getDataType() == INT64;
  }

  /** The tensor's shape, checked: no negative dimension, at most as many elements as a file. */
  public static long[] shape(TensorProto t, String source) {
    long[] shape = new long[t.getDimsCount()];
    long count = 1;
    for (int i = 0; i < shape.length; i++) {
      long d = t.getDims(i);
      shape[i] = d;
      if (d < 0) {
        throw new ModelFormatException(
            source + ": tensor '" + t.getName() + "' has a negative dimension " + dimsOf(t));
      }
      count = d != 0 && count > MAX_FILE_BYTES / d ? MAX_FILE_BYTES + 1 : count * d;
    }
    if (count > MAX_FILE_BYTES) {
      throw new ModelFormatException(
          source + ": tensor '" + t.getName() + "' has an impossible shape " + dimsOf(t));
    }
    if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
      throw new ModelFormatException(
          source
              + ": tensor '"
              + t.getName()
              + "' keeps its data in an external file, which is not supported");
    }
    return shape;
  }

  private static String dimsOf(TensorProto t) {
    return t.getDimsList().toString();
  }

  private static int count(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return (int) n;
  }

  /** A float, float16, bfloat16 or double tensor's values widened to float32. */
  public static float[] floats(TensorProto t, String source) {
    int type = t.getDataType();
    String name = t.getName();
    int count = count(shape(t, source));
    if (t.hasRawData()) {
      int width =
          switch (type) {
            case FLOAT -> 4;
            case DOUBLE -> 8;
            default -> 2;
          };
      ByteString raw = t.getRawData();
      checkCount(source, name, (long) count * width, raw.size(), "raw_data bytes");
      ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      float[] out = new float[count];
      switch (type) {
        case FLOAT -> b.asFloatBuffer().get(out);
        case DOUBLE -> {
          for (int i = 0; i < count; i++) {
            out[i] = (float) b.getDouble();
          }
        }
        case FLOAT16 -> {
          for (int i = 0; i < count; i++) {
            out[i] = HalfFloats.fromF16(b.getShort() & 0xffff);
          }
        }
        default -> {
          for (int i = 0; i < count; i++) {
            out[i] = HalfFloats.fromBf16(b.getShort() & 0xffff);
          }
        }
      }
      return out;
    }
    float[] out = new float[count];
    switch (type) {
      case FLOAT -> {
        checkCount(source, name, count, t.getFloatDataCount(), "float values");
        for (int i = 0; i < count; i++) {
          out[i] = t.getFloatData(i);
        }
      }
      case DOUBLE -> {
        checkCount(source, name, count, t.getDoubleDataCount(), "float values");
        for (int i = 0; i < count; i++) {
          out[i] = (float) t.getDoubleData(i);
        }
      }
      default -> {
        // onnx.proto stores 16-bit floats' bit patterns in int32_data
        checkCount(source, name, count, t.getInt32DataCount(), "int32_data values");
        for (int i = 0; i < count; i++) {
          int v = t.getInt32Data(i) & 0xffff;
          out[i] = type == FLOAT16 ? HalfFloats.fromF16(v) : HalfFloats.fromBf16(v);
        }
      }
    }
    return out;
  }

  /** An int32 or int64 tensor's values (shape constants such as a Reshape target). */
  public static long[] longs(TensorProto t, String source) {
    int count = count(shape(t, source));
    String name = t.getName();
    boolean int64 = t.getDataType() == INT64;
    long[] out = new long[count];
    if (t.hasRawData()) {
      int width = int64 ? 8 : 4;
      ByteString raw = t.getRawData();
      checkCount(source, name, (long) count * width, raw.size(), "raw_data bytes");
      ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < count; i++) {
        out[i] = int64 ? b.getLong() : b.getInt();
      }
      return out;
    }
    int have = int64 ? t.getInt64DataCount() : t.getInt32DataCount();
    checkCount(source, name, count, have, "integer values");
    for (int i = 0; i < count; i++) {
      out[i] = int64 ? t.getInt64Data(i) : t.getInt32Data(i);
    }
    return out;
  }

  /**
   * Checks a tensor of any other fixed-width type (bool, int8, ...) holds as many raw bytes as its
   * shape needs; strings and unknown types are not checked.
   */
  public static void checkOther(TensorProto t, String source) {
    long[] shape = shape(t, source);
    int width =
        switch (t.getDataType()) {
          case DataType.UINT8_VALUE, DataType.INT8_VALUE, DataType.BOOL_VALUE -> 1;
          case DataType.UINT16_VALUE, DataType.INT16_VALUE -> 2;
          case DataType.UINT32_VALUE -> 4;
          case DataType.UINT64_VALUE -> 8;
          default -> 0;
        };
    if (t.hasRawData() && width > 0) {
      checkCount(
          source,
          t.getName(),
          (long) count(shape) * width,
          t.getRawData().size(),
          "raw_data bytes");
    }
  }

  private static void checkCount(
      String source, String name, long expected, long actual, String what) {
    if (expected != actual) {
      throw new ModelFormatException(
          source
              + ": tensor '"
              + name
              + "' needs "
              + expected
              + " "
              + what
              + " for its shape but has "
              + actual);
    }
  }

  // --- writing ---------------------------------------------------------------------------------

  /** A float32 tensor, its values as little-endian raw_data. */
  public static TensorProto floatTensor(String name, long[] shape, float[] values) {
    ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(values.length, 4));
    b.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(values);
    return tensor(name, shape, FLOAT, b.array());
  }

  /**
   * An int8 tensor; {@code values} becomes its raw_data as it is (not copied: keep it unchanged).
   */
  public static TensorProto int8Tensor(String name, long[] shape, byte[] values) {
    return tensor(name, shape, INT8, values);
  }

  /** A tensor whose raw_data is {@code littleEndian} as it is (not copied: keep it unchanged). */
  public static TensorProto tensor(String name, long[] shape, int dataType, byte[] littleEndian) {
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(dataType);
    for (long d : shape) {
      t.addDims(d);
    }
    return t.setRawData(UnsafeByteOperations.unsafeWrap(littleEndian)).build();
  }

  /**
   * A tensor whose values a runtime gets elsewhere (ONNX Runtime's {@code addInitializer}): name,
   * type and shape, data_location EXTERNAL and a location no file has.
   */
  public static TensorProto externalTensor(String name, long[] shape, int dataType) {
    TensorProto.Builder t =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(dataType)
            .setDataLocation(TensorProto.DataLocation.EXTERNAL)
            .addExternalData(
                StringStringEntryProto.newBuilder()
                    .setKey("location")
                    .setValue("packbert-shared-initializer"));
    for (long d : shape) {
      t.addDims(d);
    }
    return t.build();
  }

  /** An int64 tensor in int64_data (shape constants, axes). */
  public static TensorProto int64Tensor(String name, long[] shape, long... values) {
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(INT64);
    for (long d : shape) {
      t.addDims(d);
    }
    for (long v : values) {
      t.addInt64Data(v);
    }
    return t.build();
  }
}
