package dev.packbert.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.packbert.model.BertConfig;
import dev.packbert.model.BertWeights;
import dev.packbert.model.ModelFormatException;
import dev.packbert.model.TensorData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads a HuggingFace BERT directory (config.json + model.safetensors [+ vocab.txt]) into validated
 * canonical {@link BertWeights}. config.json is the authority on the architecture; every weight is
 * checked against it before any transpose, so a mismatch names the HF tensor and the file.
 */
public final class SafetensorsBertLoader {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SafetensorsBertLoader() {}

  public static BertWeights load(Path dir) {
    Path configFile = dir.resolve("config.json");
    Path weightsFile = dir.resolve("model.safetensors");
    BertConfig config = readConfig(configFile);
    Map<String, long[]> expected = BertWeights.expectedShapes(config, true);
    Map<String, TensorData> tensors = new LinkedHashMap<>();
    try (SafetensorsReader r = SafetensorsReader.open(weightsFile)) {
      for (SafetensorsReader.Entry e : r.entries().values()) {
        String canonical = HfBertNames.canonical(e.name());
        if (canonical == null) {
          continue;
        }
        long[] want = expected.get(canonical);
        if (want == null) {
          throw new ModelFormatException(
              weightsFile
                  + ": tensor "
                  + e.name()
                  + " ("
                  + canonical
                  + ") is not part of a "
                  + config.numLayers()
                  + "-layer BERT as config.json describes it");
        }
        boolean kernel = HfBertNames.isKernel(canonical);
        long[] have =
            kernel && e.shape().length == 2 ? new long[] {e.shape()[1], e.shape()[0]} : e.shape();
        if (!Arrays.equals(have, want)) {
          throw new ModelFormatException(
              weightsFile
                  + ": tensor "
                  + e.name()
                  + " has shape "
                  + Arrays.toString(e.shape())
                  + ", config.json needs "
                  + Arrays.toString(kernel ? new long[] {want[1], want[0]} : want));
        }
        if (tensors.containsKey(canonical)) {
          throw new ModelFormatException(
              weightsFile + ": tensor " + e.name() + " maps to " + canonical + " twice");
        }
        TensorData t = r.read(e.name());
        // PyTorch Linear stores [out, in]; the canonical kernel is [in, out]
        tensors.put(canonical, kernel ? t.transpose2d(canonical) : t.renamed(canonical));
      }
    }
    try {
      return new BertWeights(config, tensors).validate();
    } catch (ModelFormatException e) {
      throw new ModelFormatException(weightsFile + ": " + e.getMessage(), e);
    }
  }

  public static BertConfig readConfig(Path configFile) {
    JsonNode c;
    try {
      c = JSON.readTree(configFile.toFile());
    } catch (IOException e) {
      throw new ModelFormatException(configFile + ": cannot read as JSON: " + e.getMessage(), e);
    }
    if (c == null || !c.isObject()) {
      throw new ModelFormatException(configFile + ": not a JSON object");
    }
    String posType = c.path("position_embedding_type").asText("absolute");
    if (!posType.equals("absolute")) {
      throw new ModelFormatException(
          configFile
              + ": position_embedding_type '"
              + posType
              + "' is not supported (only absolute)");
    }
    try {
      return new BertConfig(
          requiredInt(c, "vocab_size", configFile),
          requiredInt(c, "hidden_size", configFile),
          requiredInt(c, "num_hidden_layers", configFile),
          requiredInt(c, "num_attention_heads", configFile),
          requiredInt(c, "intermediate_size", configFile),
          requiredInt(c, "max_position_embeddings", configFile),
          // HF BertConfig's defaults for the keys old configs omit
          c.has("type_vocab_size") ? requiredInt(c, "type_vocab_size", configFile) : 2,
          (float) c.path("layer_norm_eps").asDouble(1e-12),
          c.path("hidden_act").asText("gelu"));
    } catch (ModelFormatException e) {
      throw new ModelFormatException(configFile + ": " + e.getMessage(), e);
    }
  }

  private static int requiredInt(JsonNode c, String key, Path file) {
    JsonNode v = c.get(key);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
      throw new ModelFormatException(file + ": " + key + " is missing or not an integer");
    }
    return v.asInt();
  }

  /** vocab.txt, one WordPiece token per line, line number = id. */
  public static List<String> vocabulary(Path dir) {
    Path f = dir.resolve("vocab.txt");
    try {
      return Files.readAllLines(f, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ModelFormatException(f + ": cannot read: " + e.getMessage(), e);
    }
  }
}
