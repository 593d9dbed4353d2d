package dev.packbert.engine.onnx;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A protobuf message assembled field by field and written once into an array of its exact size.
 *
 * <p>Why not generated classes: no maintained artifact on Maven Central carries ONNX's generated
 * protobuf-java classes, and generating them here would add protoc to the build for the handful of
 * ONNX messages {@link OnnxBertGraph} writes. Why not protobuf's DynamicMessage: it would copy
 * every weight into a ByteString before serializing; here a weight's floats go straight from their
 * {@code float[]} into the output, so a model costs one serialized copy on the heap.
 */
final class ProtoMessage {
  private interface Field {
    int size();

    void writeTo(CodedOutputStream out) throws IOException;
  }

  private final List<Field> fields = new ArrayList<>();
  private int size = -1;

  ProtoMessage varint(int number, long value) {
    return add(
        new Field() {
          @Override
          public int size() {
            return CodedOutputStream.computeInt64Size(number, value);
          }

          @Override
          public void writeTo(CodedOutputStream out) throws IOException {
            out.writeInt64(number, value);
          }
        });
  }

  ProtoMessage float32(int number, float value) {
    return add(
        new Field() {
          @Override
          public int size() {
            return CodedOutputStream.computeFloatSize(number, value);
          }

          @Override
          public void writeTo(CodedOutputStream out) throws IOException {
            out.writeFloat(number, value);
          }
        });
  }

  ProtoMessage string(int number, String value) {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    return add(
        new Field() {
          @Override
          public int size() {
            return CodedOutputStream.computeByteArraySize(number, utf8);
          }

          @Override
          public void writeTo(CodedOutputStream out) throws IOException {
            out.writeByteArray(number, utf8);
          }
        });
  }

  /** A bytes field holding {@code values} as little-endian float32, ONNX's raw_data layout. */
  ProtoMessage rawFloats(int number, float[] values) {
    int bytes = Math.multiplyExact(values.length, 4);
    return add(
        new Field() {
          @Override
          public int size() {
            return CodedOutputStream.computeTagSize(number)
                + CodedOutputStream.computeUInt32SizeNoTag(bytes)
                + bytes;
          }

          @Override
          public void writeTo(CodedOutputStream out) throws IOException {
            out.writeTag(number, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(bytes);
            for (float v : values) {
              out.writeFixed32NoTag(Float.floatToRawIntBits(v));
            }
          }
        });
  }

  ProtoMessage message(int number, ProtoMessage m) {
    return add(
        new Field() {
          @Override
          public int size() {
            int n = m.size();
            return CodedOutputStream.computeTagSize(number)
                + CodedOutputStream.computeUInt32SizeNoTag(n)
                + n;
          }

          @Override
          public void writeTo(CodedOutputStream out) throws IOException {
            out.writeTag(number, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(m.size());
            m.writeToStream(out);
          }
        });
  }

  private ProtoMessage add(Field f) {
    fields.add(f);
    size = -1;
    return this;
  }

  int size() {
    if (size < 0) {
      long n = 0;
      for (Field f : fields) {
        n += f.size();
      }
      // protobuf's own limit: a message above 2 GiB cannot be parsed by any reader
      size = Math.toIntExact(n);
    }
    return size;
  }

  private void writeToStream(CodedOutputStream out) throws IOException {
    for (Field f : fields) {
      f.writeTo(out);
    }
  }

  byte[] toByteArray() {
    byte[] buf = new byte[size()];
    CodedOutputStream out = CodedOutputStream.newInstance(buf);
    try {
      writeToStream(out);
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buf;
  }
}
