package dev.packbert.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.packbert.model.ModelFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The parts of a HuggingFace tokenizer.json that a WordPiece tokenizer needs: vocabulary and
 * casing.
 */
public final class HfTokenizerJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<String> vocabulary;
  private final boolean lowercase;

  private HfTokenizerJson(List<String> vocabulary, boolean lowercase) {
    this.vocabulary = vocabulary;
    this.lowercase = lowercase;
  }

  public static HfTokenizerJson read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.toString());
    } catch (IOException e) {
      throw new ModelFormatException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  public static HfTokenizerJson read(InputStream in, String source) {
    JsonNode root;
    try {
      root = JSON.readTree(in);
    } catch (IOException e) {
      throw new ModelFormatException(source + ": not valid JSON: " + e.getMessage(), e);
    }
    JsonNode vocab = root == null ? null : root.path("model").get("vocab");
    if (vocab == null || !vocab.isObject() || vocab.isEmpty()) {
      throw new ModelFormatException(
          source + ": no model.vocab object (not a WordPiece tokenizer.json?)");
    }
    String[] byId = new String[vocab.size()];
    for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode id = e.getValue();
      if (!id.canConvertToInt()
          || id.asInt() < 0
          || id.asInt() >= byId.length
          || byId[id.asInt()] != null) {
        throw new ModelFormatException(
            source
                + ": token '"
                + e.getKey()
                + "' has id "
                + id
                + "; ids must be distinct and in 0.."
                + (byId.length - 1));
      }
      byId[id.asInt()] = e.getKey();
    }
    return new HfTokenizerJson(
        new ArrayList<>(Arrays.asList(byId)), lowercase(root.path("normalizer")));
  }

  /**
   * BertNormalizer carries "lowercase"; a Sequence normalizer may wrap it or use a Lowercase step.
   */
  private static boolean lowercase(JsonNode n) {
    if (n.path("lowercase").asBoolean(false) || n.path("type").asText("").equals("Lowercase")) {
      return true;
    }
    for (JsonNode child : n.path("normalizers")) {
      if (lowercase(child)) {
        return true;
      }
    }
    return false;
  }

  public static List<String> vocabulary(Path file) {
    return read(file).vocabulary();
  }

  public static List<String> vocabulary(InputStream in) {
    return read(in, "tokenizer.json").vocabulary();
  }

  /** Tokens ordered by id. */
  public List<String> vocabulary() {
    return vocabulary;
  }

  public boolean lowercase() {
    return lowercase;
  }
}
