package dev.packbert.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole bench on 40 sentences, three variants, MiniLM: outputs and correctness, never speed.
 */
class BenchmarkSmokeTest {

  @Test
  void writesTheContractFieldsAndPackedVariantsEqualSingleRuns(@TempDir Path out) throws Exception {
    List<Variant> variants = Variant.select("fixed-128,packed-spfhp-128,packed-udf-mask-128");
    Benchmark.Settings s =
        new Benchmark.Settings("all-minilm-l6-v2", 40, variants, 20, 40, 2, false, 8, true, out);
    new Benchmark(s, new PrintStream(new ByteArrayOutputStream())).run();

    JsonNode rows = new ObjectMapper().readTree(out.resolve("bench.json").toFile());
    assertEquals(3, rows.size());
    Set<String> names = new HashSet<>();
    for (JsonNode r : rows) {
      for (String f :
          List.of(
              "variant",
              "model",
              "sentences_per_second",
              "real_tokens_per_second",
              "padding_efficiency",
              "mfu",
              "max_abs_diff_vs_single",
              "peak_rss_mb")) {
        assertTrue(r.hasNonNull(f), r.get("variant") + " lacks " + f);
      }
      names.add(r.get("variant").asText());
      assertEquals("all-minilm-l6-v2", r.get("model").asText());
      // fixed-128 embeds every 4th sentence (its cost does not depend on the sentence); the rest
      // all 40
      int expected =
          r.get("variant").asText().equals("fixed-128") ? 40 / Variant.FIXED_SAMPLE_EVERY : 40;
      assertEquals(expected, r.get("sentences").asInt());
      assertEquals(expected, r.get("compared_with_single").asInt());
      assertTrue(r.get("max_abs_diff_vs_single").asDouble() <= 1e-4, r.toString());
      assertTrue(r.get("sentences_per_second").asDouble() > 0);
      assertTrue(
          r.get("padding_efficiency").asDouble() > 0
              && r.get("padding_efficiency").asDouble() <= 1);
      if (r.get("variant").asText().startsWith("packed")) {
        assertTrue(
            r.get("max_abs_diff_vs_single").asDouble() <= 1e-4,
            r.get("variant") + " differs from single runs by " + r.get("max_abs_diff_vs_single"));
        assertTrue(r.get("min_cosine_vs_single").asDouble() > 0.99999);
      }
    }
    assertEquals(Set.of("fixed-128", "packed-spfhp-128", "packed-udf-mask-128"), names);
    // same rows, so the external mask must give the same padding as the in-graph one
    assertEquals(
        rows.get(1).get("padding_efficiency").asDouble(),
        rows.get(2).get("padding_efficiency").asDouble());
    assertTrue(
        rows.get(1).get("padding_efficiency").asDouble()
            > rows.get(0).get("padding_efficiency").asDouble());
    assertTrue(Files.readString(out.resolve("bench.csv")).startsWith("variant,model,"));
    assertTrue(Files.size(out.resolve("bench.png")) > 1000);
    assertTrue(Files.readString(out.resolve("bench.md")).contains("| packed-udf-mask-128 |"));
    // the op profile names the ops that carry BERT's work
    String profile = Files.readString(out.resolve("profile.md"));
    assertTrue(profile.contains("## packed-spfhp-128") && profile.contains("MatMul |"), profile);
  }
}
