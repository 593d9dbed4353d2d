package dev.packbert.model;

import java.nio.file.Files;
import java.nio.file.Path;

/** Loads the weights of a model directory in whichever format it holds. */
public final class ModelLoader {
  private ModelLoader() {}

  public static BertWeights weights(Path dir) {
    switch (ModelDirectory.detect(dir)) {
      case SAFETENSORS:
        return SafetensorsBertLoader.load(dir);
      case ONNX:
        return OnnxBertLoader.load(ModelDirectory.onnxFile(dir));
      case GOOGLE_CHECKPOINT:
      default:
        for (String prefix : new String[] {"variables/variables", "model.ckpt", "bert_model.ckpt"}) {
          Path p = dir.resolve(prefix);
          if (Files.isRegularFile(Path.of(p + ".index"))) {
            return GoogleCheckpointLoader.load(p, dir.resolve("bert_config.json"));
          }
        }
        throw new ModelFormatException(dir + ": no checkpoint index");
    }
  }
}
