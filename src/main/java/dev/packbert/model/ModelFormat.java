package dev.packbert.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The weight formats PackBERT reads, told apart by the files a model directory holds. */
public enum ModelFormat {
  GOOGLE_CHECKPOINT,
  SAFETENSORS,
  ONNX;

  public static ModelFormat detect(Path dir) {
    if (Files.isRegularFile(dir.resolve("variables/variables.index")) || Files.isRegularFile(dir.resolve("model.ckpt.index"))
        || Files.isRegularFile(dir.resolve("bert_model.ckpt.index"))) {
      return GOOGLE_CHECKPOINT;
    }
    if (Files.isRegularFile(dir.resolve("model.safetensors"))) {
      return SAFETENSORS;
    }
    try (Stream<Path> files = Files.list(dir)) {
      if (files.anyMatch(p -> p.getFileName().toString().endsWith(".onnx"))) {
        return ONNX;
      }
    } catch (IOException e) {
      throw new ModelFormatException("cannot list model directory " + dir + ": " + e.getMessage(), e);
    }
    throw new ModelFormatException("no model found in " + dir
        + " (expected variables/variables.index or model.ckpt.index, model.safetensors + config.json, or *.onnx)");
  }
}
