package dev.packbert.weights;

import dev.packbert.model.TinyBert;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes sentence-transformers folders the way sentence-transformers saves them (its file names and
 * JSON keys), around a tiny BERT's safetensors, for tests.
 */
public final class SentenceTransformersFolders {
  private SentenceTransformersFolders() {}

  public static final String TRANSFORMER =
      "{\"idx\":0,\"name\":\"0\",\"path\":\"\",\"type\":\"sentence_transformers.models.Transformer\"}";
  public static final String POOLING =
      "{\"idx\":1,\"name\":\"1\",\"path\":\"1_Pooling\",\"type\":\"sentence_transformers.models.Pooling\"}";
  public static final String NORMALIZE =
      "{\"idx\":2,\"name\":\"2\",\"path\":\"2_Normalize\",\"type\":\"sentence_transformers.models.Normalize\"}";
  public static final String DENSE =
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
}
