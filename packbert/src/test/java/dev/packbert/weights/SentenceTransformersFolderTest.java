package dev.packbert.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.packbert.model.ModelFormatException;
import dev.packbert.model.Pooling;
import dev.packbert.model.TinyBert;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sentence-transformers folder written here (config files as sentence-transformers saves them,
 * safetensors of a tiny BERT) brings its pooling, normalization, length and casing; one with a
 * module PackBERT cannot reproduce is refused with the module's name.
 */
class SentenceTransformersFolderTest {
  @TempDir Path tmp;

  @Test
  void folderBringsItsPoolingNormalizationLengthAndCasing() throws Exception {
    Path dir =
        SentenceTransformersFolders.write(
            tmp.resolve("st"),
            List.of(
                SentenceTransformersFolders.TRANSFORMER,
                SentenceTransformersFolders.POOLING,
                SentenceTransformersFolders.NORMALIZE),
            "max_tokens",
            16);
    ModelDefaults d = ModelDefaults.of(dir);
    assertEquals(EnumSet.of(Pooling.MAX), d.pooling());
    assertTrue(d.normalize());
    assertEquals(16, d.maxSeqLength());
    assertTrue(d.lowerCase());
    assertTrue(d.prefixHint().contains("query: "), d.prefixHint());
    // the weights are still found and read as a HuggingFace directory
    assertEquals(TinyBert.CONFIG, ModelLoader.config(dir));

    Path plain =
        SentenceTransformersFolders.write(
            tmp.resolve("st-cls"),
            List.of(SentenceTransformersFolders.TRANSFORMER, SentenceTransformersFolders.POOLING),
            "cls_token",
            12);
    ModelDefaults c = ModelDefaults.of(plain);
    assertEquals(EnumSet.of(Pooling.CLS), c.pooling());
    assertFalse(c.normalize());
    assertEquals(12, c.maxSeqLength());
  }

  @Test
  void aDirectoryWithoutModulesJsonSaysNothing() throws Exception {
    Path dir = tmp.resolve("hf");
    SafetensorsWriter.writeBertDirectory(TinyBert.weights(1, false), dir, TinyVocabulary.TOKENS);
    assertEquals(ModelDefaults.NONE, ModelDefaults.of(dir));
  }

  @Test
  void aDenseModuleIsRefusedByName() throws Exception {
    Path dir =
        SentenceTransformersFolders.write(
            tmp.resolve("dense"),
            List.of(
                SentenceTransformersFolders.TRANSFORMER,
                SentenceTransformersFolders.POOLING,
                SentenceTransformersFolders.DENSE),
            "mean_tokens",
            16);
    for (Runnable r :
        List.<Runnable>of(
            () -> ModelDefaults.of(dir),
            () -> ModelLoader.config(dir),
            () -> ModelLoader.weights(dir))) {
      ModelFormatException e = assertThrows(ModelFormatException.class, r::run);
      assertTrue(e.getMessage().contains("sentence_transformers.models.Dense"), e.getMessage());
      assertTrue(e.getMessage().contains("2_Dense"), e.getMessage());
      assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }
  }

  @Test
  void poolingModesPackBertDoesNotComputeAreRefusedByName() throws Exception {
    for (String mode : List.of("mean_sqrt_len_tokens", "weightedmean_tokens", "lasttoken")) {
      Path dir =
          SentenceTransformersFolders.write(
              tmp.resolve(mode),
              List.of(SentenceTransformersFolders.TRANSFORMER, SentenceTransformersFolders.POOLING),
              mode,
              16);
      ModelFormatException e =
          assertThrows(ModelFormatException.class, () -> ModelDefaults.of(dir));
      assertTrue(e.getMessage().contains("pooling_mode_" + mode), e.getMessage());
    }
  }

  @Test
  void onnxExportInOnnxSubfolderIsFound() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("onnx-st/onnx"));
    Files.writeString(dir.resolve("model.onnx"), "not really onnx");
    Files.writeString(dir.resolve("model_qint8_avx512.onnx"), "a variant");
    Files.writeString(
        dir.getParent().resolve("vocab.txt"), String.join("\n", TinyVocabulary.TOKENS));
    assertEquals(ModelFormat.ONNX, ModelDirectory.detect(dir.getParent()));
    assertEquals(dir.resolve("model.onnx"), ModelDirectory.onnxFile(dir.getParent()));
  }
}
