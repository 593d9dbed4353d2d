package dev.packbert.weights;

import dev.packbert.model.BertConfig;
import dev.packbert.model.BertWeights;
import dev.packbert.model.ModelFormatException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads the weights of a model directory in whichever format it holds. */
public final class ModelLoader {
  private ModelLoader() {}

  /** The architecture of a model directory, read as cheaply as its format allows. */
  public static BertConfig config(Path dir) {
    refuseUnreproducibleSentenceTransformers(dir);
    switch (ModelDirectory.detect(dir)) {
      case SAFETENSORS:
        return SafetensorsBertLoader.readConfig(dir.resolve("config.json"));
      case ONNX:
        return OnnxBertLoader.load(ModelDirectory.onnxFile(dir)).config();
      case GOOGLE_CHECKPOINT:
      default:
        return GoogleCheckpointLoader.config(
            checkpointPrefix(dir), dir.resolve("bert_config.json"));
    }
  }

  /**
   * A sentence-transformers folder with a module PackBERT cannot reproduce (Dense, ...) must not be
   * embedded with its transformer alone: that would be a different vector under the same name.
   */
  private static void refuseUnreproducibleSentenceTransformers(Path dir) {
    if (SentenceTransformersFolder.isOne(dir)) {
      SentenceTransformersFolder.read(dir);
    }
  }

  private static Path checkpointPrefix(Path dir) {
    for (String prefix : new String[] {"variables/variables", "model.ckpt", "bert_model.ckpt"}) {
      Path p = dir.resolve(prefix);
      if (Files.isRegularFile(Path.of(p + ".index"))) {
        return p;
      }
    }
    throw new ModelFormatException(dir + ": no checkpoint index");
  }

  public static BertWeights weights(Path dir) {
    refuseUnreproducibleSentenceTransformers(dir);
    switch (ModelDirectory.detect(dir)) {
      case SAFETENSORS:
        return SafetensorsBertLoader.load(dir);
      case ONNX:
        return OnnxBertLoader.load(ModelDirectory.onnxFile(dir));
      case GOOGLE_CHECKPOINT:
      default:
        return GoogleCheckpointLoader.load(checkpointPrefix(dir), dir.resolve("bert_config.json"));
    }
  }
}
