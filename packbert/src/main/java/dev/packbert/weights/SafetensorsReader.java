package dev.packbert.weights;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.packbert.model.ModelFormatException;
import dev.packbert.model.TensorData;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a HuggingFace {@code .safetensors} file: an 8-byte little-endian header length, a JSON
 * header, then the raw data. The header is checked completely before any data is touched; tensors
 * are read one at a time through the channel, so files beyond 2 GB work and memory holds only what
 * the caller asks for.
 */
public final class SafetensorsReader implements Closeable {
  static final long MAX_HEADER_BYTES = 100L << 20;
  private static final int CHUNK = 1 << 22;
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  /** Where one tensor lies in the data section, as the header claims and this class has checked. */
  // Carries primitive arrays to hot loops; never compared or hashed.
  @SuppressWarnings("ArrayRecordComponent")
  public record Entry(String name, String dtype, long[] shape, long begin, long end) {
    public long elementCount() {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }
  }

  private final Path file;
  private final FileChannel channel;
  private final long dataStart;
  private final Map<String, Entry> entries;
  private final Map<String, String> metadata;

  private SafetensorsReader(
      Path file,
      FileChannel channel,
      long dataStart,
      Map<String, Entry> entries,
      Map<String, String> metadata) {
    this.file = file;
    this.channel = channel;
    this.dataStart = dataStart;
    this.entries = entries;
    this.metadata = metadata;
  }

  public static SafetensorsReader open(Path file) {
    FileChannel ch = null;
    try {
      ch = FileChannel.open(file, StandardOpenOption.READ);
      long size = ch.size();
      if (size < 8) {
        throw new ModelFormatException(
            file + ": " + size + " bytes is too short for a safetensors file");
      }
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0, file);
      long n = lenBuf.flip().getLong();
      if (n <= 0 || n > MAX_HEADER_BYTES || n > size - 8) {
        throw new ModelFormatException(
            file
                + ": header length "
                + Long.toUnsignedString(n)
                + " is impossible (file has "
                + size
                + " bytes, limit "
                + MAX_HEADER_BYTES
                + ")");
      }
      ByteBuffer header = ByteBuffer.allocate((int) n);
      readFully(ch, header, 8, file);
      long dataSize = size - 8 - n;
      Map<String, String> meta = new LinkedHashMap<>();
      Map<String, Entry> entries = parseHeader(file, header.array(), dataSize, meta);
      SafetensorsReader r = new SafetensorsReader(file, ch, 8 + n, entries, meta);
      ch = null;
      return r;
    } catch (IOException e) {
      throw new ModelFormatException(file + ": cannot read: " + e.getMessage(), e);
    } finally {
      if (ch != null) {
        try {
          ch.close();
        } catch (IOException ignored) {
          // the open failure is the error worth reporting
        }
      }
    }
  }

  /**
   * The tensors must cover the data section exactly, without gaps, to the file's last byte (the
   * format's own rule; the safetensors library refuses such files too). This is what catches a file
   * cut short or grown beyond its tensors; the format has no checksum, so a flipped bit inside
   * tensor data cannot be detected.
   */
  private static void requireTiled(Path file, List<Entry> byOffset, long dataSize) {
    long next = 0;
    for (Entry e : byOffset) {
      if (e.begin() != next) {
        throw new ModelFormatException(
            file
                + ": "
                + (e.begin() - next)
                + " bytes before tensor "
                + e.name()
                + " belong to no tensor");
      }
      next = e.end();
    }
    if (next != dataSize) {
      throw new ModelFormatException(
          file
              + ": the tensors end at byte "
              + next
              + " of a "
              + dataSize
              + "-byte data section (truncated or padded file?)");
    }
  }

  private static Map<String, Entry> parseHeader(
      Path file, byte[] header, long dataSize, Map<String, String> meta) {
    JsonNode root;
    try {
      root = JSON.readTree(header);
    } catch (IOException e) {
      throw new ModelFormatException(
          file
              + ": header is not valid JSON: "
              + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                  ? j.getOriginalMessage()
                  : e.getMessage()),
          e);
    }
    if (root == null || !root.isObject()) {
      throw new ModelFormatException(file + ": header is not a JSON object");
    }
    Map<String, Entry> entries = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      String name = f.getKey();
      JsonNode v = f.getValue();
      if (name.equals("__metadata__")) {
        if (!v.isObject()) {
          throw new ModelFormatException(file + ": __metadata__ is not an object");
        }
        v.fields().forEachRemaining(m -> meta.put(m.getKey(), m.getValue().asText()));
        continue;
      }
      entries.put(name, entry(file, name, v, dataSize));
    }
    List<Entry> byOffset = new ArrayList<>(entries.values());
    byOffset.sort(Comparator.comparingLong(Entry::begin));
    for (int i = 1; i < byOffset.size(); i++) {
      Entry a = byOffset.get(i - 1);
      Entry b = byOffset.get(i);
      if (b.begin() < a.end()) {
        throw new ModelFormatException(
            file + ": tensors " + a.name() + " and " + b.name() + " overlap");
      }
    }
    requireTiled(file, byOffset, dataSize);
    return Collections.unmodifiableMap(entries);
  }

  private static Entry entry(Path file, String name, JsonNode v, long dataSize) {
    String where = file + ": tensor " + name;
    if (!v.isObject()) {
      throw new ModelFormatException(where + ": header entry is not an object");
    }
    JsonNode dt = v.get("dtype");
    JsonNode shapeNode = v.get("shape");
    JsonNode offs = v.get("data_offsets");
    if (dt == null
        || !dt.isTextual()
        || shapeNode == null
        || !shapeNode.isArray()
        || offs == null
        || !offs.isArray()
        || offs.size() != 2) {
      throw new ModelFormatException(
          where + ": header entry needs dtype, shape and two data_offsets");
    }
    String dtype = dt.asText();
    int width = SafetensorsDtype.width(dtype);
    if (width < 0) {
      throw new ModelFormatException(where + ": unknown dtype '" + dtype + "'");
    }
    long[] shape = new long[shapeNode.size()];
    long count = 1;
    for (int i = 0; i < shape.length; i++) {
      JsonNode d = shapeNode.get(i);
      if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
        throw new ModelFormatException(where + ": bad dimension " + d + " in shape " + shapeNode);
      }
      shape[i] = d.asLong();
      try {
        count = Math.multiplyExact(count, shape[i]);
      } catch (ArithmeticException e) {
        throw new ModelFormatException(where + ": shape " + shapeNode + " overflows");
      }
    }
    for (JsonNode o : offs) {
      if (!o.isIntegralNumber() || !o.canConvertToLong() || o.asLong() < 0) {
        throw new ModelFormatException(where + ": bad data_offsets " + offs);
      }
    }
    long begin = offs.get(0).asLong();
    long end = offs.get(1).asLong();
    if (begin > end || end > dataSize) {
      throw new ModelFormatException(
          where
              + ": data_offsets "
              + offs
              + " lie outside the data section of "
              + dataSize
              + " bytes (truncated file?)");
    }
    long bytes;
    try {
      bytes = Math.multiplyExact(count, (long) width);
    } catch (ArithmeticException e) {
      throw new ModelFormatException(where + ": shape " + shapeNode + " overflows");
    }
    if (end - begin != bytes) {
      throw new ModelFormatException(
          where
              + ": shape "
              + Arrays.toString(shape)
              + " of "
              + dtype
              + " needs "
              + bytes
              + " bytes but data_offsets "
              + offs
              + " span "
              + (end - begin));
    }
    return new Entry(name, dtype, shape, begin, end);
  }

  public Path file() {
    return file;
  }

  /** Tensor names in header order. */
  public List<String> names() {
    return new ArrayList<>(entries.keySet());
  }

  public Map<String, Entry> entries() {
    return entries;
  }

  public Map<String, String> metadata() {
    return Collections.unmodifiableMap(metadata);
  }

  public boolean contains(String name) {
    return entries.containsKey(name);
  }

  /** One tensor widened to float32 (F32, F16, BF16); other dtypes are refused by name. */
  public TensorData read(String name) {
    Entry e = entries.get(name);
    if (e == null) {
      throw new ModelFormatException(file + ": no tensor named " + name);
    }
    if (!SafetensorsDtype.isFloat(e.dtype())) {
      throw new ModelFormatException(
          file
              + ": tensor "
              + name
              + " has dtype "
              + e.dtype()
              + "; only F32, F16 and BF16 weights can be loaded");
    }
    long count = e.elementCount();
    if (count > Integer.MAX_VALUE - 8) {
      throw new ModelFormatException(
          file
              + ": tensor "
              + name
              + " has "
              + count
              + " elements, more than one Java array holds");
    }
    float[] out = new float[(int) count];
    int width = SafetensorsDtype.width(e.dtype());
    ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    long pos = dataStart + e.begin();
    int k = 0;
    try {
      while (k < out.length) {
        int take = (int) Math.min((long) (out.length - k) * width, CHUNK);
        buf.clear().limit(take);
        readFully(channel, buf, pos, file);
        buf.flip();
        pos += take;
        switch (e.dtype()) {
          case "F32" -> {
            buf.asFloatBuffer().get(out, k, take / 4);
            k += take / 4;
          }
          case "F16" -> {
            while (buf.hasRemaining()) {
              out[k++] = HalfFloats.fromF16(buf.getShort() & 0xffff);
            }
          }
          default -> {
            while (buf.hasRemaining()) {
              out[k++] = HalfFloats.fromBf16(buf.getShort() & 0xffff);
            }
          }
        }
      }
    } catch (IOException ex) {
      throw new ModelFormatException(
          file + ": cannot read tensor " + name + ": " + ex.getMessage(), ex);
    }
    return new TensorData(name, e.shape().clone(), out);
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long pos, Path file)
      throws IOException {
    while (buf.hasRemaining()) {
      int r = ch.read(buf, pos);
      if (r < 0) {
        throw new ModelFormatException(
            file + ": unexpected end of file at byte " + pos + " (truncated file?)");
      }
      pos += r;
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new ModelFormatException(file + ": cannot close: " + e.getMessage(), e);
    }
  }
}
