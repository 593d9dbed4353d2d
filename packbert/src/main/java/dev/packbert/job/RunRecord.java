package dev.packbert.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code OUTPUT/_packbert_run.json}: the settings a run started with, its input's row count and how
 * it was sliced. A {@code --resume} must match it, or the slices already committed would mix with
 * vectors of another model, pooling or slicing.
 */
record RunRecord(Map<String, Object> settings, long inputRows, int slices) {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * The settings that decide what lands in OUTPUT. Left out: where and how fast it runs (master,
   * tokens per batch, progress), which a resumed run may change without changing a vector.
   */
  static Map<String, Object> settingsOf(EmbedSettings s) {
    Map<String, Object> m = new LinkedHashMap<>(s.describe());
    m.remove("master");
    m.remove("output");
    m.remove("tokens_per_batch");
    // none changes a row of the output, so a run may be resumed with or without them
    m.remove("dedupe");
    m.remove("dedupe_scope");
    m.remove("reuse");
    m.put("model", s.model());
    m.put("id_col", s.idCol());
    m.put("text_col", s.textCol());
    m.put("split_stride", s.splitStride());
    m.put("window", s.window());
    m.put("max_sentences_per_row", s.maxSentencesPerRow());
    m.put("partitions", s.partitions());
    m.put("slice_documents", s.sliceDocuments());
    return m;
  }

  String toJson() {
    ObjectNode n = JSON.createObjectNode();
    n.put("format", 1);
    n.set("settings", JSON.valueToTree(settings));
    n.put("input_rows", inputRows);
    n.put("slices", slices);
    n.put("slice_rule", SliceRule.DESCRIPTION);
    try {
      return JSON.writeValueAsString(n);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The recorded run, or a one-line refusal if the file cannot be read as one. */
  static RunRecord parse(String json, String where) {
    try {
      JsonNode n = JSON.readTree(json);
      @SuppressWarnings("unchecked")
      Map<String, Object> settings = JSON.convertValue(n.get("settings"), LinkedHashMap.class);
      if (settings == null || !n.has("slices") || !n.has("input_rows")) {
        throw new IOException("missing settings, input_rows or slices");
      }
      return new RunRecord(settings, n.get("input_rows").asLong(), n.get("slices").asInt());
    } catch (IOException | IllegalArgumentException e) {
      throw new UserError(
          "--resume: "
              + where
              + " is not a PackBERT run record: "
              + PackBertCli.oneLine(e.getMessage()));
    }
  }

  /** Refuses, naming the first setting that differs, unless {@code current} equals this record. */
  void requireSameSettings(Map<String, Object> current, String output) {
    JsonNode was = asRead(settings);
    JsonNode now = asRead(current);
    for (Iterator<String> it = now.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!now.get(key).equals(was.get(key))) {
        throw differs(key, was.get(key), now.get(key), output);
      }
    }
    for (Iterator<String> it = was.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!now.has(key)) {
        throw differs(key, was.get(key), null, output);
      }
    }
  }

  /** As the map reads back from JSON text, so a long 8 and an int 8 compare equal. */
  private static JsonNode asRead(Map<String, Object> m) {
    try {
      return JSON.readTree(JSON.writeValueAsString(m));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static UserError differs(String key, JsonNode was, JsonNode now, String output) {
    return new UserError(
        "--resume: "
            + output
            + " was started with "
            + key
            + "="
            + (was == null ? "(unset)" : was)
            + ", this run has "
            + key
            + "="
            + (now == null ? "(unset)" : now)
            + "; use the same settings or another --output");
  }

  void requireSameInput(long rows, String output) {
    if (rows != inputRows) {
      throw new UserError(
          "--resume: the input has "
              + rows
              + " rows, the run in "
              + output
              + " was started on "
              + inputRows
              + "; use the same input or another --output");
    }
  }
}
