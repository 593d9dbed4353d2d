package dev.packbert.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.packbert.model.ModelFormatException;
import dev.packbert.model.Pooling;
import dev.packbert.model.TinyBert;
import java.io.IOException;
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

  static final String TRANSFORMER =
      "{\"idx\":0,\"name\":\"0\",\"path\":\"\",\"type\":\"sentence_transformers.models.Transformer\"}";
  static final String POOLING =
      "{\"idx\":1,\"name\":\"1\",\"path\":\"1_Pooling\",\"type\":\"sentence_transformers.models.Pooling\"}";
  static final String NORMALIZE =
      "{\"idx\":2,\"name\":\"2\",\"path\":\"2_Normalize\",\"type\":\"sentence_transformers.models.Normalize\"}";
  static final String DENSE =
      "{\"idx\":2,\"name\":\"2\",\"path\":\"2_Dense\",\"type\":\"sentence_transformers.models.Dense\"}";

  /** A tiny BERT saved as sentence-transformers does, with the given modules and pooling mode. */
  public static Path write(Path dir, List<String> modules, String poolingMode, int maxSeqLength)
      throws IOException {
    SafetensorsWriter.writeBertDirectory(TinyBert.weights(11, false), dir, TinyVocabulary.TOKENS);
    Files.writeString(dir.resolve("modules.json"), "[" + String.join(",", modules) + "]");
    Files.createDirectories(dir.resolve("1_Pooling"));
    StringBuilder pooling = new StringBuilder("{\"word_embedding_dimension\": 16");
    for (String m :
        List.of(
            "cls_token",
            "mean_tokens",
            "max_tokens",
            "mean_sqrt_len_tokens",
            "weightedmean_tokens",
            "lasttoken")) {
      pooling.append(", \"pooling_mode_").append(m).append("\": ").append(m.equals(poolingMode));
    }
    Files.writeString(
        dir.resolve("1_Pooling/config.json"), pooling + ", \"include_prompt\": true}");
    Files.createDirectories(dir.resolve("2_Normalize"));
    Files.writeString(
        dir.resolve("sentence_bert_config.json"),
        "{\"max_seq_length\": " + maxSeqLength + ", \"do_lower_case\": true}");
    Files.writeString(
        dir.resolve("config_sentence_transformers.json"),
        "{\"prompts\": {\"query\": \"query: \"}, \"default_prompt_name\": null}");
    return dir;
  }

  @Test
  void folderBringsItsPoolingNormalizationLengthAndCasing() throws Exception {
    Path dir = write(tmp.resolve("st"), List.of(TRANSFORMER, POOLING, NORMALIZE), "max_tokens", 16);
    ModelDefaults d = ModelDefaults.of(dir);
    assertEquals(EnumSet.of(Pooling.MAX), d.pooling());
    assertEquals(Boolean.TRUE, d.normalize());
    assertEquals(16, d.maxSeqLength());
    assertEquals(Boolean.TRUE, d.lowerCase());
    assertTrue(d.prefixHint().contains("query: "), d.prefixHint());
    // the weights are still found and read as a HuggingFace directory
    assertEquals(TinyBert.CONFIG, ModelLoader.config(dir));

    Path plain = write(tmp.resolve("st-cls"), List.of(TRANSFORMER, POOLING), "cls_token", 12);
    ModelDefaults c = ModelDefaults.of(plain);
    assertEquals(EnumSet.of(Pooling.CLS), c.pooling());
    assertEquals(Boolean.FALSE, c.normalize());
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
    Path dir = write(tmp.resolve("dense"), List.of(TRANSFORMER, POOLING, DENSE), "mean_tokens", 16);
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
      Path dir = write(tmp.resolve(mode), List.of(TRANSFORMER, POOLING), mode, 16);
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
