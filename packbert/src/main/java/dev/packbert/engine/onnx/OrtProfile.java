package dev.packbert.engine.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads the Chrome-trace JSON ONNX Runtime's profiler writes. */
final class OrtProfile {
  private static final String KERNEL_TIME = "_kernel_time";

  private OrtProfile() {}

  /**
   * The kernel times (µs) of the file's last {@code model_run}, summed by op type, largest first.
   */
  static Map<String, Long> lastRunByOpType(Path file) throws IOException {
    JsonNode events = new ObjectMapper().readTree(file.toFile());
    long start = -1;
    long end = -1;
    for (JsonNode e : events) {
      if ("Session".equals(e.path("cat").asText()) && "model_run".equals(e.path("name").asText())) {
        long ts = e.path("ts").asLong();
        if (ts > start) {
          start = ts;
          end = ts + e.path("dur").asLong();
        }
      }
    }
    Map<String, Long> byType = new HashMap<>();
    for (JsonNode e : events) {
      long ts = e.path("ts").asLong();
      if ("Node".equals(e.path("cat").asText())
          && e.path("name").asText().endsWith(KERNEL_TIME)
          && ts >= start
          && ts <= end) {
        byType.merge(e.path("args").path("op_name").asText(), e.path("dur").asLong(), Long::sum);
      }
    }
    Map<String, Long> sorted = new LinkedHashMap<>();
    byType.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }
}
