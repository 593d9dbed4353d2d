package dev.packbert.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.packbert.model.ModelFormatException;
import dev.packbert.model.TensorData;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsReaderTest {
  @TempDir Path tmp;

  /** Builds a file byte by byte: u64 LE header length, header, data. */
  private Path file(String header, int... dataBytes) throws Exception {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long n = h.length;
    for (int i = 0; i < 8; i++) {
      out.write((int) (n >>> (8 * i)) & 0xff);
    }
    out.write(h);
    for (int b : dataBytes) {
      out.write(b);
    }
    Path f = tmp.resolve("t" + System.nanoTime() + ".safetensors");
    Files.write(f, out.toByteArray());
    return f;
  }

  @Test
  void readsHandWrittenF32F16Bf16() throws Exception {
    Path f =
        file(
            "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F16\",\"shape\":[1,2],\"data_offsets\":[8,12]},"
                + "\"c\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[12,14]}}",
            // a = 1.5f (0x3FC00000), -2.0f (0xC0000000), little-endian
            0x00,
            0x00,
            0xC0,
            0x3F,
            0x00,
            0x00,
            0x00,
            0xC0,
            // b = half 1.0 (0x3C00), half -0.5 (0xB800)
            0x00,
            0x3C,
            0x00,
            0xB8,
            // c = bfloat16 3.0 (0x4040)
            0x40,
            0x40);
    try (SafetensorsReader r = SafetensorsReader.open(f)) {
      assertEquals(List.of("a", "b", "c"), r.names());
      assertEquals(Map.of("format", "pt"), r.metadata());
      assertArrayEquals(new float[] {1.5f, -2.0f}, r.read("a").values());
      assertArrayEquals(new long[] {1, 2}, r.read("b").shape());
      assertArrayEquals(new float[] {1.0f, -0.5f}, r.read("b").values());
      assertArrayEquals(new float[] {3.0f}, r.read("c").values());
    }
  }

  @Test
  void halfFloatEdgeCases() {
    assertEquals(65504f, HalfFloats.fromF16(0x7BFF));
    assertEquals(0x1p-24f, HalfFloats.fromF16(0x0001));
    assertEquals(Float.NEGATIVE_INFINITY, HalfFloats.fromF16(0xFC00));
    assertTrue(Float.isNaN(HalfFloats.fromF16(0x7E00)));
    assertEquals(-0.0f, HalfFloats.fromF16(0x8000));
  }

  @Test
  void writerHeaderIsAlignedAndReadsBack() throws Exception {
    Path f = tmp.resolve("w.safetensors");
    TensorData a = new TensorData("x", new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6});
    TensorData b = new TensorData("y", new long[] {1}, new float[] {-7.25f});
    SafetensorsWriter.writeTensors(f, orderedMap("x", a, "y", b), Map.of("k", "v"));
    byte[] bytes = Files.readAllBytes(f);
    long n =
        java.nio.ByteBuffer.wrap(bytes, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(0, n % 8);
    assertEquals(8 + n + 28, bytes.length);
    try (SafetensorsReader r = SafetensorsReader.open(f)) {
      assertArrayEquals(a.values(), r.read("x").values());
      assertArrayEquals(a.shape(), r.read("x").shape());
      assertArrayEquals(b.values(), r.read("y").values());
      assertEquals("v", r.metadata().get("k"));
    }
  }

  private String fail(Path f) {
    return assertThrows(
            ModelFormatException.class,
            () -> {
              try (SafetensorsReader r = SafetensorsReader.open(f)) {
                for (String n : r.names()) {
                  r.read(n);
                }
              }
            })
        .getMessage();
  }

  private static final String ONE =
      "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";

  @Test
  void absurdHeaderLength() throws Exception {
    Path f = tmp.resolve("huge.safetensors");
    byte[] b = new byte[64];
    java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(1L << 60);
    Files.write(f, b);
    String m = fail(f);
    assertTrue(m.contains("header length 1152921504606846976 is impossible"), m);
    assertTrue(m.contains("huge.safetensors"), m);
  }

  @Test
  void tooShortFile() throws Exception {
    Path f = tmp.resolve("short.safetensors");
    Files.write(f, new byte[] {1, 2, 3});
    assertTrue(fail(f).contains("too short"));
  }

  @Test
  void headerNotJson() throws Exception {
    assertTrue(fail(file("not json at all", 0, 0)).contains("header is not valid JSON"));
    assertTrue(fail(file("[1,2]")).contains("not a JSON object"));
  }

  @Test
  void truncatedData() throws Exception {
    String m = fail(file(ONE, 0, 0, 0x80, 0x3F)); // 4 of 8 data bytes
    assertTrue(m.contains("tensor a") && m.contains("outside the data section"), m);
  }

  @Test
  void offsetsPastEnd() throws Exception {
    String m =
        fail(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 0, 0, 0, 0));
    assertTrue(m.contains("tensor a: data_offsets [4,8] lie outside"), m);
  }

  @Test
  void shapeOffsetMismatch() throws Exception {
    String m =
        fail(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new int[8]));
    assertTrue(
        m.contains("tensor a: shape [3] of F32 needs 12 bytes but data_offsets [0,8] span 8"), m);
  }

  @Test
  void unknownAndUnsupportedDtype() throws Exception {
    String m =
        fail(file("{\"a\":{\"dtype\":\"F33\",\"shape\":[2],\"data_offsets\":[0,8]}}", new int[8]));
    assertTrue(m.contains("tensor a: unknown dtype 'F33'"), m);
    m = fail(file("{\"a\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", new int[8]));
    assertTrue(m.contains("tensor a has dtype I64; only F32, F16 and BF16"), m);
  }

  @Test
  void negativeOrOverflowingShape() throws Exception {
    assertTrue(
        fail(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,0]}}"))
            .contains("bad dimension -1"));
    String m =
        fail(
            file(
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,0]}}"));
    assertTrue(m.contains("overflows"), m);
  }

  @Test
  void overlappingTensors() throws Exception {
    String m =
        fail(
            file(
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
                new int[8]));
    assertTrue(m.contains("tensors a and b overlap"), m);
  }

  @Test
  void duplicateKeysAreRefused() throws Exception {
    assertTrue(
        fail(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},\"a\":{}}"))
            .contains("Duplicate field 'a'"));
  }

  private static <V> Map<String, V> orderedMap(String k1, V v1, String k2, V v2) {
    Map<String, V> m = new java.util.LinkedHashMap<>();
    m.put(k1, v1);
    m.put(k2, v2);
    return m;
  }
}
