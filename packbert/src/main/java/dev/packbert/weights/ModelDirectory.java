package dev.packbert.weights;

import dev.packbert.model.ModelFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Recognises a local model directory's format from the files it holds. */
public final class ModelDirectory {
  private ModelDirectory() {}

  public static ModelFormat detect(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new ModelFormatException(dir + ": not a directory");
    }
    if (Files.isRegularFile(dir.resolve("config.json"))
        && Files.isRegularFile(dir.resolve("model.safetensors"))) {
      return ModelFormat.SAFETENSORS;
    }
    // sentence-transformers folders exported to ONNX keep onnx/model.onnx and vocab.txt or
    // tokenizer.json at the root
    if (onnxFile(dir) != null
        && (Files.isRegularFile(dir.resolve("tokenizer.json"))
            || Files.isRegularFile(dir.resolve("vocab.txt")))) {
      return ModelFormat.ONNX;
    }
    if (Files.isRegularFile(dir.resolve("variables/variables.index"))
        || Files.isRegularFile(dir.resolve("model.ckpt.index"))
        || Files.isRegularFile(dir.resolve("bert_model.ckpt.index"))) {
      return ModelFormat.GOOGLE_CHECKPOINT;
    }
    throw new ModelFormatException(
        dir
            + ": no known model layout (expected config.json + model.safetensors, *.onnx or onnx/model.onnx + tokenizer.json, "
            + "variables/variables.index or model.ckpt.index)");
  }

  /** The single *.onnx file in dir, or null; several are ambiguous and refused. */
  public static Path onnxFile(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> found =
          s.filter(p -> p.getFileName().toString().endsWith(".onnx") && Files.isRegularFile(p))
              .sorted()
              .toList();
      if (found.size() > 1) {
        throw new ModelFormatException(dir + ": several .onnx files " + found + "; keep one");
      }
      if (found.isEmpty()) {
        // sentence-transformers' layout: onnx/ holds model.onnx beside optimised or quantised
        // variants (model_O1.onnx, model_qint8_avx512.onnx, ...); model.onnx is the plain export
        Path st = dir.resolve("onnx").resolve("model.onnx");
        return Files.isRegularFile(st) ? st : null;
      }
      return found.get(0);
    } catch (IOException e) {
      throw new ModelFormatException(dir + ": cannot list: " + e.getMessage(), e);
    }
  }
}
