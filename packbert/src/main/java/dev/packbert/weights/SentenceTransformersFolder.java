package dev.packbert.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.packbert.model.ModelFormatException;
import dev.packbert.model.Pooling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A sentence-transformers model folder ({@code modules.json}, {@code 1_Pooling/config.json},
 * optional {@code 2_Normalize}, {@code sentence_bert_config.json}) read for what PackBERT must
 * reproduce: Transformer → Pooling (one of cls, mean, max) → optional Normalize. Any other module
 * (Dense, LayerNorm, …) or pooling mode would make PackBERT's vector differ from {@code
 * SentenceTransformer(folder).encode(text)}, so such a folder is refused, naming what is not
 * supported, rather than embedded differently.
 */
public record SentenceTransformersFolder(ModelDefaults defaults) {
  static final String MODULES = "modules.json";
  private static final String ST = "sentence_transformers.models.";

  /** pooling_mode_* flags PackBERT computes exactly as sentence-transformers does. */
  private static final Map<String, Pooling> SUPPORTED_MODES =
      Map.of(
          "pooling_mode_cls_token", Pooling.CLS,
          "pooling_mode_mean_tokens", Pooling.MEAN,
          "pooling_mode_max_tokens", Pooling.MAX);

  public static boolean isOne(Path dir) {
    return Files.isRegularFile(dir.resolve(MODULES));
  }

  /** Reads and checks the folder; a folder PackBERT cannot reproduce throws one clear line. */
  public static SentenceTransformersFolder read(Path dir) {
    try {
      return parse(dir);
    } catch (IOException e) {
      throw new ModelFormatException(
          dir + ": cannot read the sentence-transformers config: " + e.getMessage(), e);
    }
  }

  private static SentenceTransformersFolder parse(Path dir) throws IOException {
    ObjectMapper json = new ObjectMapper();
    JsonNode modules = json.readTree(dir.resolve(MODULES).toFile());
    if (!modules.isArray() || modules.isEmpty()) {
      throw new ModelFormatException(dir.resolve(MODULES) + ": expected a non-empty JSON array");
    }
    List<String> types = new ArrayList<>();
    Pooling pooling = null;
    boolean normalize = false;
    for (JsonNode m : modules) {
      String type = m.path("type").asText("");
      String path = m.path("path").asText("");
      String shortType = type.startsWith(ST) ? type.substring(ST.length()) : type;
      switch (shortType) {
        case "Transformer" -> {
          if (!types.isEmpty()) {
            throw unsupported(dir, "a Transformer module after " + types);
          }
          if (!path.isEmpty()) {
            // older folders keep the weights in 0_Transformer/; PackBERT reads them from the root
            throw unsupported(
                dir, "the Transformer module in '" + path + "' (weights must be in the folder)");
          }
        }
        case "Pooling" -> {
          if (!types.equals(List.of("Transformer"))) {
            throw unsupported(dir, "a Pooling module after " + types);
          }
          pooling = pooling(dir, dir.resolve(path).resolve("config.json"), json);
        }
        case "Normalize" -> {
          if (pooling == null || normalize) {
            throw unsupported(dir, "a Normalize module after " + types);
          }
          normalize = true;
        }
        default ->
            throw unsupported(
                dir, "module " + (type.isEmpty() ? "(no type)" : type) + " in '" + path + "'");
      }
      types.add(shortType);
    }
    if (pooling == null) {
      throw unsupported(dir, "no Pooling module (modules " + types + ")");
    }
    Integer maxLength = null;
    Boolean lowerCase = null;
    Path bertConfig = dir.resolve("sentence_bert_config.json");
    if (Files.isRegularFile(bertConfig)) {
      JsonNode c = json.readTree(bertConfig.toFile());
      if (c.path("max_seq_length").canConvertToInt() && c.path("max_seq_length").asInt() > 0) {
        maxLength = c.path("max_seq_length").asInt();
      }
      if (c.path("do_lower_case").isBoolean()) {
        lowerCase = c.path("do_lower_case").asBoolean();
      }
    }
    return new SentenceTransformersFolder(
        new ModelDefaults(
            EnumSet.of(pooling), normalize, maxLength, lowerCase, prompts(dir, json)));
  }

  private static Pooling pooling(Path dir, Path config, ObjectMapper json) throws IOException {
    if (!Files.isRegularFile(config)) {
      throw new ModelFormatException(config + ": missing (the Pooling module's config)");
    }
    JsonNode c = json.readTree(config.toFile());
    List<Pooling> chosen = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> it = c.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getKey().startsWith("pooling_mode_") || !e.getValue().asBoolean(false)) {
        continue;
      }
      Pooling p = SUPPORTED_MODES.get(e.getKey());
      if (p == null) {
        throw unsupported(dir, "pooling mode " + e.getKey());
      }
      chosen.add(p);
    }
    if (chosen.size() != 1) {
      // sentence-transformers concatenates several modes into one vector; PackBERT writes one
      // column per pooling, which is not the same vector
      throw unsupported(
          dir,
          chosen.isEmpty()
              ? "a Pooling module with no mode"
              : "pooling modes " + chosen + " together (concatenated)");
    }
    if (!c.path("include_prompt").asBoolean(true)) {
      throw unsupported(dir, "pooling with include_prompt=false");
    }
    return chosen.get(0);
  }

  /** config_sentence_transformers.json's "prompts", e.g. {query: "query: "}, as a hint. */
  private static String prompts(Path dir, ObjectMapper json) throws IOException {
    Path p = dir.resolve("config_sentence_transformers.json");
    if (!Files.isRegularFile(p)) {
      return "";
    }
    List<String> out = new ArrayList<>();
    json.readTree(p.toFile())
        .path("prompts")
        .fields()
        .forEachRemaining(e -> out.add(e.getKey() + "='" + e.getValue().asText() + "'"));
    return String.join(", ", out);
  }

  private static ModelFormatException unsupported(Path dir, String what) {
    return new ModelFormatException(
        dir
            + ": sentence-transformers "
            + what
            + " is not supported by PackBERT (it would not give the model's own vectors)");
  }
}
