package dev.packbert.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The result rows (one per variant, plus peer rows) and their three renderings: table, JSON, CSV.
 */
public final class BenchReport {
  /** Columns every row carries, in this order (the JSON contract of issue 6 plus the profile). */
  public static final List<String> COLUMNS =
      List.of(
          "variant",
          "model",
          "precision",
          "sentences",
          "sampled_every",
          "real_tokens",
          "seconds",
          "sentences_per_second",
          "real_tokens_per_second",
          "padding_efficiency",
          "ratio_vs_fixed_128",
          "ratio_vs_dynamic_input_order_32",
          "ratio_vs_dynamic_input_order_8",
          "ratio_vs_dynamic_sorted_32",
          "mfu",
          "max_abs_diff_vs_single",
          "mean_cosine_vs_single",
          "min_cosine_vs_single",
          "compared_with_single",
          "peak_rss_mb",
          "plan_s",
          "mask_s",
          "graph_s",
          "unpack_s",
          "batches",
          "peer_mean_cosine_vs_packbert",
          "peer_min_cosine_vs_packbert",
          "peer_like_for_like",
          "peer_min_cosine_sentence",
          "peer_min_cosine_sentence_best_match",
          "peer_min_cosine_sentence_best_match_cosine",
          "packbert_speedup_vs_peer");

  private final List<Map<String, Object>> rows = new ArrayList<>();

  public Map<String, Object> add(String variant) {
    Map<String, Object> r = new LinkedHashMap<>();
    for (String c : COLUMNS) {
      r.put(c, null);
    }
    r.put("variant", variant);
    rows.add(r);
    return r;
  }

  public List<Map<String, Object>> rows() {
    return rows;
  }

  /**
   * Fills the ratio columns from the baselines' sentences/s (null where a baseline was filtered
   * out).
   */
  public void fillRatios() {
    Double fixed = rate("fixed-128");
    Double dyn32 = rate("dynamic-input-order-32");
    Double dyn8 = rate("dynamic-input-order-8");
    Double sorted = rate("dynamic-sorted-32");
    for (Map<String, Object> r : rows) {
      Object s = r.get("sentences_per_second");
      if (s instanceof Double sps) {
        r.put("ratio_vs_fixed_128", fixed == null ? null : sps / fixed);
        r.put("ratio_vs_dynamic_input_order_32", dyn32 == null ? null : sps / dyn32);
        r.put("ratio_vs_dynamic_input_order_8", dyn8 == null ? null : sps / dyn8);
        r.put("ratio_vs_dynamic_sorted_32", sorted == null ? null : sps / sorted);
      }
    }
  }

  private Double rate(String variant) {
    return rows.stream()
        .filter(r -> variant.equals(r.get("variant")) && r.get("sentences_per_second") != null)
        .map(r -> (Double) r.get("sentences_per_second"))
        .findFirst()
        .orElse(null);
  }

  public void writeJson(Path file) throws IOException {
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), rows);
  }

  public void writeCsv(Path file) throws IOException {
    StringBuilder sb = new StringBuilder(String.join(",", COLUMNS)).append('\n');
    for (Map<String, Object> r : rows) {
      List<String> cells = new ArrayList<>();
      for (String c : COLUMNS) {
        Object v = r.get(c);
        cells.add(
            v == null ? "" : v.toString().contains(",") ? '"' + v.toString() + '"' : v.toString());
      }
      sb.append(String.join(",", cells)).append('\n');
    }
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
  }

  /** A Markdown table (pastes into docs/BENCHMARKS.md as it is). */
  public String table() {
    String[] head = {
      "variant",
      "sentences",
      "sent/s",
      "real tok/s",
      "pad eff",
      "× fixed-128",
      "× dyn-32",
      "× dyn-8",
      "× sorted-32",
      "MFU",
      "max|Δ| vs single",
      "min cos",
      "peak RSS MB",
      "graph s",
      "plan+mask+unpack s"
    };
    StringBuilder sb = new StringBuilder("| " + String.join(" | ", head) + " |\n|");
    sb.append("---|".repeat(head.length)).append('\n');
    for (Map<String, Object> r : rows) {
      double other = sum(r, "plan_s", "mask_s", "unpack_s");
      sb.append("| ")
          .append(r.get("variant"))
          .append(" | ")
          .append(f(r.get("sentences"), "%.0f"))
          .append(" | ")
          .append(f(r.get("sentences_per_second"), "%.1f"))
          .append(" | ")
          .append(f(r.get("real_tokens_per_second"), "%.0f"))
          .append(" | ")
          .append(f(r.get("padding_efficiency"), "%.3f"))
          .append(" | ")
          .append(f(r.get("ratio_vs_fixed_128"), "%.2f"))
          .append(" | ")
          .append(f(r.get("ratio_vs_dynamic_input_order_32"), "%.2f"))
          .append(" | ")
          .append(f(r.get("ratio_vs_dynamic_input_order_8"), "%.2f"))
          .append(" | ")
          .append(f(r.get("ratio_vs_dynamic_sorted_32"), "%.2f"))
          .append(" | ")
          .append(
              r.get("mfu") == null
                  ? ""
                  : String.format(Locale.ROOT, "%.1f%%", 100 * (Double) r.get("mfu")))
          .append(" | ")
          .append(f(r.get("max_abs_diff_vs_single"), "%.2e"))
          .append(" | ")
          .append(f(r.get("min_cosine_vs_single"), "%.6f"))
          .append(" | ")
          .append(f(r.get("peak_rss_mb"), "%.0f"))
          .append(" | ")
          .append(f(r.get("graph_s"), "%.1f"))
          .append(" | ")
          .append(Double.isNaN(other) ? "" : String.format(Locale.ROOT, "%.2f", other))
          .append(" |\n");
    }
    return sb.toString();
  }

  private static double sum(Map<String, Object> r, String... keys) {
    double s = 0;
    boolean any = false;
    for (String k : keys) {
      if (r.get(k) instanceof Double d) {
        s += d;
        any = true;
      }
    }
    return any ? s : Double.NaN;
  }

  private static String f(Object v, String fmt) {
    return v instanceof Number n ? String.format(Locale.ROOT, fmt, n.doubleValue()) : "";
  }
}
