package dev.packbert.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.packbert.model.ModelFormatException;
import dev.packbert.weights.OnnxInitializerReader;
import dev.packbert.weights.SafetensorsReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Coverage-guided fuzzing of the two binary weight parsers: whatever the bytes, the only exception
 * allowed out is {@link ModelFormatException} (no IndexOutOfBounds, NegativeArraySize, OOM from a
 * claimed size, ...). In the normal test run Jazzer replays the seed corpus in {@code
 * src/test/resources/dev/packbert/fuzz/ParserFuzzTestInputs/<method>/}; {@code JAZZER_FUZZ=1}
 * fuzzes one method (see docs/FUZZING.md).
 */
class ParserFuzzTest {
  private static final Path FILE = tempFile();

  private static Path tempFile() {
    try {
      Path p = Files.createTempFile("packbert-fuzz-", ".safetensors");
      p.toFile().deleteOnExit();
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest(maxDuration = "3m")
  void safetensors(byte[] data) throws IOException {
    Files.write(FILE, data);
    try (SafetensorsReader r = SafetensorsReader.open(FILE)) {
      for (String name : r.names()) {
        r.read(name);
      }
    } catch (ModelFormatException expected) {
      // the parser's one way of saying no
    }
  }

  @FuzzTest(maxDuration = "3m")
  void onnxInitializers(byte[] data) {
    try {
      OnnxInitializerReader.read(data, "fuzz.onnx");
    } catch (ModelFormatException expected) {
      // the parser's one way of saying no
    }
  }
}
