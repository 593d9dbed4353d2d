package dev.packbert.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a run did, accounted row by row: printed at the end and written as
 * OUTPUT/_packbert_summary.json.
 */
public final class JobSummary {
  private final Map<String, Object> fields = new LinkedHashMap<>();

  JobSummary put(String key, Object value) {
    fields.put(key, value);
    return this;
  }

  public Map<String, Object> fields() {
    return fields;
  }

  public String toJson() {
    try {
      return new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(fields);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A summary written earlier (a finished OUTPUT's {@code _packbert_summary.json}). */
  @SuppressWarnings("unchecked")
  static JobSummary parse(String json) {
    JobSummary s = new JobSummary();
    try {
      s.fields.putAll(new ObjectMapper().readValue(json, LinkedHashMap.class));
    } catch (Exception e) {
      throw new UserError("cannot read the summary of the finished run: " + e.getMessage());
    }
    return s;
  }

  String toConsole() {
    StringBuilder b = new StringBuilder("PackBERT summary\n");
    for (Map.Entry<String, Object> e : fields.entrySet()) {
      if (!(e.getValue() instanceof Map)) {
        b.append(String.format("  %-22s %s%n", e.getKey(), e.getValue()));
      }
    }
    return b.toString().stripTrailing();
  }
}
