package dev.packbert.bench;

import dev.packbert.weights.ModelRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;

/**
 * The int8 copies of PackBERT's named models that users already run: langchain4j's {@code -q}
 * artifacts (ONNX Runtime dynamic quantization: per-tensor activation scales, per-channel 7-bit
 * weights), bench-module dependencies. Their .onnx is copied out of the jar once per machine.
 */
public final class QuantizedCopies {
  private static final Map<String, String> RESOURCE =
      Map.of(
          "all-minilm-l6-v2", "all-minilm-l6-v2-q.onnx",
          "bge-small-en-v1.5", "bge-small-en-v1.5-q.onnx");

  private QuantizedCopies() {}

  /** Whether {@code model} has a quantized copy on the classpath. */
  public static boolean has(String model) {
    String r = RESOURCE.get(model);
    return r != null && QuantizedCopies.class.getClassLoader().getResource(r) != null;
  }

  /** The Maven coordinates of the copy, for the tables. */
  public static String coordinates(String model) {
    return ModelRegistry.coordinates(model).replace(":1.0.0-beta5", "-q:1.0.0-beta5");
  }

  /** The quantized .onnx of {@code model} as a local file, if it has one. */
  public static Optional<Path> onnx(String model) {
    if (!has(model)) {
      return Optional.empty();
    }
    String r = RESOURCE.get(model);
    Path file = ModelRegistry.cacheDir().resolve("quantized").resolve(r);
    if (Files.isRegularFile(file)) {
      return Optional.of(file);
    }
    try {
      Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), r, ".part");
      try (InputStream in = QuantizedCopies.class.getClassLoader().getResourceAsStream(r)) {
        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      }
      // another JVM may have won the race; its copy is the same bytes
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return Optional.of(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
