package dev.packbert.weights;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.packbert.model.ModelFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an ONNX ModelProto's main graph (initializers, nodes, graph inputs/outputs) straight from
 * the protobuf wire format, so no generated ONNX classes are needed. Field numbers follow
 * onnx/onnx.proto. Every length prefix is checked against the bytes actually left, so a corrupt
 * file fails with a {@link ModelFormatException} instead of an allocation of whatever it claims.
 */
public final class OnnxInitializerReader {
  /** A protobuf message cannot exceed 2 GB; bigger models use external data, which is rejected. */
  static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 8L;

  // ModelProto
  private static final int MODEL_GRAPH = 7;
  private static final int MODEL_OPSET_IMPORT = 8;
  // GraphProto
  private static final int GRAPH_NODE = 1;
  private static final int GRAPH_INITIALIZER = 5;
  private static final int GRAPH_INPUT = 11;
  private static final int GRAPH_OUTPUT = 12;
  // NodeProto
  private static final int NODE_INPUT = 1;
  private static final int NODE_OUTPUT = 2;
  private static final int NODE_NAME = 3;
  private static final int NODE_OP_TYPE = 4;
  private static final int NODE_ATTRIBUTE = 5;
  // AttributeProto
  private static final int ATTR_NAME = 1;
  private static final int ATTR_I = 3;
  private static final int ATTR_T = 5;
  private static final int ATTR_INTS = 8;
  // ValueInfoProto
  private static final int VALUE_INFO_NAME = 1;
  // TensorProto
  private static final int TENSOR_DIMS = 1;
  private static final int TENSOR_DATA_TYPE = 2;
  private static final int TENSOR_FLOAT_DATA = 4;
  private static final int TENSOR_INT32_DATA = 5;
  private static final int TENSOR_INT64_DATA = 7;
  private static final int TENSOR_NAME = 8;
  private static final int TENSOR_RAW_DATA = 9;
  private static final int TENSOR_DOUBLE_DATA = 10;
  private static final int TENSOR_DATA_LOCATION = 14;

  private final String source;
  private final CodedInputStream in;
  private final int size;

  private OnnxInitializerReader(String source, byte[] bytes) {
    this.source = source;
    this.size = bytes.length;
    this.in = CodedInputStream.newInstance(bytes);
    in.enableAliasing(true);
  }

  public static OnnxGraph read(Path file) {
    try {
      long size = Files.size(file);
      if (size > MAX_FILE_BYTES) {
        throw new ModelFormatException(
            file
                + ": "
                + size
                + " bytes is more than a single ONNX protobuf can hold (models with external data are not supported)");
      }
      return read(Files.readAllBytes(file), file.toString());
    } catch (IOException e) {
      throw new ModelFormatException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  public static OnnxGraph read(InputStream stream, String source) {
    try {
      byte[] bytes = stream.readNBytes((int) MAX_FILE_BYTES + 1);
      if (bytes.length > MAX_FILE_BYTES) {
        throw new ModelFormatException(
            source + ": more bytes than a single ONNX protobuf can hold");
      }
      return read(bytes, source);
    } catch (IOException e) {
      throw new ModelFormatException(source + ": cannot read: " + e.getMessage(), e);
    }
  }

  public static OnnxGraph read(byte[] bytes, String source) {
    OnnxInitializerReader r = new OnnxInitializerReader(source, bytes);
    try {
      return r.model();
    } catch (IOException | RuntimeException e) {
      if (e instanceof ModelFormatException m) {
        throw m;
      }
      throw new ModelFormatException(source + ": not a readable ONNX model: " + e, e);
    }
  }

  private OnnxGraph model() throws IOException {
    OnnxGraph graph = null;
    int opsets = 0;
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        break;
      }
      if (field(tag) == MODEL_GRAPH && wire(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        int old = pushLength("graph");
        graph = graph();
        in.popLimit(old);
      } else {
        if (field(tag) == MODEL_OPSET_IMPORT) {
          opsets++;
        }
        skip(tag);
      }
    }
    if (graph == null) {
      throw new ModelFormatException(source + ": no graph found (not an ONNX model, or truncated)");
    }
    // The model is parsed to its last byte, so a cut inside any field fails above; a cut exactly
    // between top-level fields is caught only if it removes a field every model has. opset_import
    // is required by the ONNX spec and exporters write it after the graph.
    if (opsets == 0) {
      throw new ModelFormatException(
          source + ": no opset_import after the graph (truncated file?)");
    }
    return graph;
  }

  private OnnxGraph graph() throws IOException {
    Map<String, OnnxTensor> inits = new LinkedHashMap<>();
    List<OnnxNode> nodes = new ArrayList<>();
    List<String> inputs = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        break;
      }
      int f = field(tag);
      if (wire(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED
          || (f != GRAPH_NODE && f != GRAPH_INITIALIZER && f != GRAPH_INPUT && f != GRAPH_OUTPUT)) {
        skip(tag);
        continue;
      }
      int old = pushLength("graph field " + f);
      switch (f) {
        case GRAPH_NODE -> nodes.add(node());
        case GRAPH_INITIALIZER -> {
          OnnxTensor t = tensor();
          if (inits.put(t.name(), t) != null) {
            throw new ModelFormatException(source + ": initializer " + t.name() + " appears twice");
          }
        }
        case GRAPH_INPUT -> inputs.add(valueInfoName());
        default -> outputs.add(valueInfoName());
      }
      in.popLimit(old);
    }
    // IR < 4 lists every initializer as a graph input too; callers want the real feeds only
    inputs.removeIf(inits::containsKey);
    return new OnnxGraph(inits, nodes, inputs, outputs);
  }

  private String valueInfoName() throws IOException {
    String name = "";
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        return name;
      }
      if (field(tag) == VALUE_INFO_NAME && wire(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        name = string("value name");
      } else {
        skip(tag);
      }
    }
  }

  private OnnxNode node() throws IOException {
    String name = "";
    String op = "";
    List<String> inputs = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    Map<String, OnnxTensor> tensorAttrs = new LinkedHashMap<>();
    Map<String, long[]> intAttrs = new LinkedHashMap<>();
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        break;
      }
      boolean delimited = wire(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
      switch (delimited ? field(tag) : -1) {
        case NODE_INPUT -> inputs.add(string("node input"));
        case NODE_OUTPUT -> outputs.add(string("node output"));
        case NODE_NAME -> name = string("node name");
        case NODE_OP_TYPE -> op = string("node op_type");
        case NODE_ATTRIBUTE -> {
          int old = pushLength("attribute");
          attribute(tensorAttrs, intAttrs);
          in.popLimit(old);
        }
        default -> skip(tag);
      }
    }
    return new OnnxNode(name, op, List.copyOf(inputs), List.copyOf(outputs), tensorAttrs, intAttrs);
  }

  private void attribute(Map<String, OnnxTensor> tensors, Map<String, long[]> ints)
      throws IOException {
    String name = "";
    OnnxTensor t = null;
    LongList values = new LongList();
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        break;
      }
      int f = field(tag);
      int w = wire(tag);
      if (f == ATTR_NAME && w == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        name = string("attribute name");
      } else if (f == ATTR_T && w == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        int old = pushLength("attribute tensor");
        t = tensor();
        in.popLimit(old);
      } else if (f == ATTR_I && w == WireFormat.WIRETYPE_VARINT) {
        values.add(in.readInt64());
      } else if (f == ATTR_INTS) {
        readInt64s(w, values, "attribute ints");
      } else {
        skip(tag);
      }
    }
    if (t != null) {
      tensors.put(name, t);
    } else if (values.size() > 0) {
      ints.put(name, values.toArray());
    }
  }

  private OnnxTensor tensor() throws IOException {
    String name = "";
    LongList dims = new LongList();
    int dataType = 0;
    byte[] raw = null;
    FloatList floatData = new FloatList();
    LongList intData = new LongList();
    boolean external = false;
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        break;
      }
      int w = wire(tag);
      switch (field(tag)) {
        case TENSOR_DIMS -> readInt64s(w, dims, "dims");
        case TENSOR_DATA_TYPE -> {
          expectWire(w, WireFormat.WIRETYPE_VARINT, "data_type");
          dataType = in.readInt32();
        }
        case TENSOR_NAME -> {
          expectWire(w, WireFormat.WIRETYPE_LENGTH_DELIMITED, "name");
          name = string("tensor name");
        }
        case TENSOR_RAW_DATA -> {
          expectWire(w, WireFormat.WIRETYPE_LENGTH_DELIMITED, "raw_data");
          raw = in.readRawBytes(checkedLength("raw_data of tensor '" + name + "'"));
        }
        case TENSOR_FLOAT_DATA -> {
          if (w == WireFormat.WIRETYPE_FIXED32) {
            floatData.add(in.readFloat());
          } else {
            expectWire(w, WireFormat.WIRETYPE_LENGTH_DELIMITED, "float_data");
            int old = pushLength("float_data of tensor '" + name + "'");
            while (in.getBytesUntilLimit() > 0) {
              floatData.add(in.readFloat());
            }
            in.popLimit(old);
          }
        }
        case TENSOR_DOUBLE_DATA -> {
          if (w == WireFormat.WIRETYPE_FIXED64) {
            floatData.add((float) in.readDouble());
          } else {
            expectWire(w, WireFormat.WIRETYPE_LENGTH_DELIMITED, "double_data");
            int old = pushLength("double_data of tensor '" + name + "'");
            while (in.getBytesUntilLimit() > 0) {
              floatData.add((float) in.readDouble());
            }
            in.popLimit(old);
          }
        }
        case TENSOR_INT32_DATA, TENSOR_INT64_DATA ->
            readInt64s(w, intData, "integer data of tensor '" + name + "'");
        case TENSOR_DATA_LOCATION -> {
          expectWire(w, WireFormat.WIRETYPE_VARINT, "data_location");
          external = in.readInt32() == 1;
        }
        default -> skip(tag);
      }
    }
    if (external) {
      throw new ModelFormatException(
          source
              + ": tensor '"
              + name
              + "' keeps its data in an external file, which is not supported");
    }
    long[] shape = dims.toArray();
    long count = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new ModelFormatException(
            source
                + ": tensor '"
                + name
                + "' has a negative dimension "
                + java.util.Arrays.toString(shape));
      }
      count = d != 0 && count > MAX_FILE_BYTES / d ? MAX_FILE_BYTES + 1 : count * d;
    }
    if (count > MAX_FILE_BYTES) {
      throw new ModelFormatException(
          source
              + ": tensor '"
              + name
              + "' has an impossible shape "
              + java.util.Arrays.toString(shape));
    }
    return switch (dataType) {
      case OnnxTensor.FLOAT, OnnxTensor.FLOAT16, OnnxTensor.BFLOAT16, OnnxTensor.DOUBLE ->
          new OnnxTensor(
              name,
              shape,
              dataType,
              floats(name, dataType, (int) count, raw, floatData, intData),
              null);
      case OnnxTensor.INT32, OnnxTensor.INT64 ->
          new OnnxTensor(
              name, shape, dataType, null, longs(name, dataType, (int) count, raw, intData));
      // other types (bool, strings, int8...) never hold BERT weights: keep the shape, drop the
      // values
      default -> {
        int width = fixedWidth(dataType);
        if (raw != null && width > 0) {
          checkCount(name, count * width, raw.length, "raw_data bytes");
        }
        yield new OnnxTensor(name, shape, dataType, null, null);
      }
    };
  }

  /** Bytes per element of onnx.proto's other fixed-width types; 0 for strings and unknown ones. */
  private static int fixedWidth(int dataType) {
    return switch (dataType) {
      case 2, 3, 9 -> 1; // UINT8, INT8, BOOL
      case 4, 5 -> 2; // UINT16, INT16
      case 12 -> 4; // UINT32
      case 13 -> 8; // UINT64
      default -> 0;
    };
  }

  private float[] floats(
      String name, int type, int count, byte[] raw, FloatList floatData, LongList intData) {
    if (raw != null) {
      int size =
          switch (type) {
            case OnnxTensor.FLOAT -> 4;
            case OnnxTensor.DOUBLE -> 8;
            default -> 2;
          };
      checkCount(name, (long) count * size, raw.length, "raw_data bytes");
      ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
      float[] out = new float[count];
      for (int i = 0; i < count; i++) {
        out[i] =
            switch (type) {
              case OnnxTensor.FLOAT -> b.getFloat();
              case OnnxTensor.DOUBLE -> (float) b.getDouble();
              case OnnxTensor.FLOAT16 -> HalfFloats.fromF16(b.getShort() & 0xffff);
              default -> HalfFloats.fromBf16(b.getShort() & 0xffff);
            };
      }
      return out;
    }
    if (type == OnnxTensor.FLOAT16 || type == OnnxTensor.BFLOAT16) {
      // onnx.proto stores 16-bit floats' bit patterns in int32_data
      checkCount(name, count, intData.size(), "int32_data values");
      long[] bits = intData.toArray();
      float[] out = new float[count];
      for (int i = 0; i < count; i++) {
        int v = (int) bits[i] & 0xffff;
        out[i] = type == OnnxTensor.FLOAT16 ? HalfFloats.fromF16(v) : HalfFloats.fromBf16(v);
      }
      return out;
    }
    checkCount(name, count, floatData.size(), "float values");
    return floatData.toArray();
  }

  private long[] longs(String name, int type, int count, byte[] raw, LongList intData) {
    if (raw != null) {
      int size = type == OnnxTensor.INT64 ? 8 : 4;
      checkCount(name, (long) count * size, raw.length, "raw_data bytes");
      ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
      long[] out = new long[count];
      for (int i = 0; i < count; i++) {
        out[i] = size == 8 ? b.getLong() : b.getInt();
      }
      return out;
    }
    checkCount(name, count, intData.size(), "integer values");
    return intData.toArray();
  }

  private void checkCount(String name, long expected, long actual, String what) {
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

  // ---- wire helpers ----

  private static int field(int tag) {
    return WireFormat.getTagFieldNumber(tag);
  }

  private static int wire(int tag) {
    return WireFormat.getTagWireType(tag);
  }

  private void expectWire(int actual, int expected, String what) {
    if (actual != expected) {
      throw new ModelFormatException(
          source + ": field " + what + " has wire type " + actual + ", expected " + expected);
    }
  }

  /** Reads a length prefix and checks it fits in what is left of the enclosing message. */
  private int checkedLength(String what) throws IOException {
    int len = in.readRawVarint32();
    int left = in.getBytesUntilLimit();
    if (left < 0) {
      left = size - in.getTotalBytesRead();
    }
    if (len < 0 || len > left) {
      throw new ModelFormatException(
          source
              + ": "
              + what
              + " claims "
              + Integer.toUnsignedString(len)
              + " bytes but the file is truncated or corrupt at offset "
              + in.getTotalBytesRead());
    }
    return len;
  }

  private int pushLength(String what) throws IOException {
    int len = checkedLength(what);
    return in.pushLimit(len);
  }

  private String string(String what) throws IOException {
    int len = checkedLength(what);
    return new String(in.readRawBytes(len), java.nio.charset.StandardCharsets.UTF_8);
  }

  private void skip(int tag) throws IOException {
    if (wire(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
      in.skipRawBytes(checkedLength("field " + field(tag)));
    } else if (wire(tag) == WireFormat.WIRETYPE_START_GROUP
        || wire(tag) == WireFormat.WIRETYPE_END_GROUP) {
      throw new ModelFormatException(
          source + ": unexpected protobuf group at offset " + in.getTotalBytesRead());
    } else if (!in.skipField(tag)) {
      throw new ModelFormatException(
          source + ": bad protobuf tag at offset " + in.getTotalBytesRead());
    }
  }

  private void readInt64s(int w, LongList out, String what) throws IOException {
    if (w == WireFormat.WIRETYPE_VARINT) {
      out.add(in.readInt64());
    } else if (w == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
      int old = pushLength(what);
      while (in.getBytesUntilLimit() > 0) {
        out.add(in.readInt64());
      }
      in.popLimit(old);
    } else {
      throw new ModelFormatException(source + ": field " + what + " has wire type " + w);
    }
  }

  /** Growable primitive lists: boxing 20 M floats would cost ~10× the memory. */
  static final class LongList {
    private long[] a = new long[8];
    private int n;

    void add(long v) {
      if (n == a.length) {
        a = java.util.Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }

    int size() {
      return n;
    }

    long[] toArray() {
      return java.util.Arrays.copyOf(a, n);
    }
  }

  static final class FloatList {
    private float[] a = new float[8];
    private int n;

    void add(float v) {
      if (n == a.length) {
        a = java.util.Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }

    int size() {
      return n;
    }

    float[] toArray() {
      return java.util.Arrays.copyOf(a, n);
    }
  }
}
