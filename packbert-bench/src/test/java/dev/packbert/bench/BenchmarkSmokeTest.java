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
        new Benchmark.Settings("all-minilm-l6-v2", 40, variants, 20, 40, 2, true, out);
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

  /**
   * --peer on 24 sentences: PackBERT's stage, the hand-written ORT job and one Spark NLP setting,
   * each in its own JVM through Spark. ORT on MiniLM's own .onnx is the independent reference for
   * PackBERT's vectors.
   */
  @Test
  void peerModeRunsEachSettingThroughSparkAndTheOrtJobMatchesPackBert(@TempDir Path out)
      throws Exception {
    PeerBench.Settings s =
        new PeerBench.Settings(
            Benchmark.PEER_MODEL,
            24,
            2,
            2,
            1,
            8,
            24,
            PeerBench.DEFAULT_ENGINE,
            // the fp32 stage only: on a bf16 CPU "packbert" would add the bf16 row
            "packbert-stage-lpfhp,ort,sparknlp-bertembeddings-average-intra1-batch8",
            out,
            40);
    new PeerBench(s, new PrintStream(new ByteArrayOutputStream())).run();

    JsonNode rows = new ObjectMapper().readTree(out.resolve("peer.json").toFile());
    assertEquals(4, rows.size());
    assertEquals("packbert-stage-lpfhp-128-tensorflow", rows.get(0).get("setting").asText());
    for (JsonNode r : rows) {
      assertEquals(24, r.get("sentences").asInt(), r.toString());
      assertEquals(2, r.get("partitions").asInt(), r.toString());
      assertTrue(r.get("sentences_per_second").asDouble() > 0, r.toString());
      assertTrue(r.get("peak_rss_mb").asDouble() > 100, r.toString());
      assertEquals(24, r.get("compared_sentences").asInt(), r.toString());
    }
    assertEquals(1.0, rows.get(0).get("packbert_stage_speedup").asDouble(), 1e-12);
    JsonNode ort = rows.get(1);
    assertEquals("ort-mappartitions-sorted-intra1-batch32", ort.get("setting").asText());
    assertTrue(ort.get("max_abs_diff_vs_packbert").asDouble() <= 1e-4, ort.toString());
    assertTrue(ort.get("min_cosine_vs_packbert").asDouble() > 0.9999, ort.toString());
    JsonNode quantized = rows.get(2);
    assertEquals(
        "ort-mappartitions-sorted-quantized-intra1-batch32", quantized.get("setting").asText());
    // Spark NLP's word-average is another definition: close, never identical
    assertTrue(rows.get(3).get("mean_cosine_vs_packbert").asDouble() > 0.5, rows.get(3).toString());
    // quality on 40 held-out sentences against ORT fp32 alone: exact fp32 keeps every neighbour,
    // the quantized copy (per-tensor int8) does not keep every vector
    for (JsonNode r : List.of(rows.get(0), ort)) {
      assertEquals(40, r.get("quality").get("sentences").asInt(), r.toString());
      assertEquals(1.0, r.get("quality").get("recall_at_10").asDouble(), 0, r.toString());
      assertTrue(r.get("quality").get("cosine_min").asDouble() > 0.99999, r.toString());
    }
    double qMin = quantized.get("quality").get("cosine_min").asDouble();
    assertTrue(qMin > 0.9 && qMin < 0.9999, quantized.toString());
    assertTrue(rows.get(3).has("quality"), rows.get(3).toString());
    assertTrue(
        Files.readString(out.resolve("peer.md"))
            .contains("| ort-mappartitions-sorted-intra1-batch32 |"));
    // the fp32 ceiling bounds every exact fp32 setting that ran (none spends nothing outside GEMMs)
    JsonNode ceiling = new ObjectMapper().readTree(out.resolve("ceiling.json").toFile());
    assertEquals(24, ceiling.get("sentences").asInt());
    assertTrue(ceiling.get("real_tokens").asLong() > 2 * 24, ceiling.toString());
    assertTrue(ceiling.get("tf_matmul_gflops").asDouble() > 1, ceiling.toString());
    assertTrue(ceiling.get("int8_gemm_gops").asDouble() > 1, ceiling.toString());
    assertTrue(ceiling.get("int8_ceiling_sentences_per_second").asDouble() > 0, ceiling.toString());
    assertTrue(Files.readString(out.resolve("peer.md")).contains("int8 ceiling:"));
    for (JsonNode r : rows) {
      double share = r.get("fp32_ceiling_share").asDouble();
      assertTrue(share > 0 && share < 1, r.toString());
    }
  }

  /** --scale on one tiny input: the job's real path in a child JVM, its summary and memory read. */
  @Test
  void scaleModeRunsTheJobAndReadsItsSummaryAndPeakRss(@TempDir Path out) throws Exception {
    new ScaleBench(
            new ScaleBench.Settings(List.of(30), "all-minilm-l6-v2", 2, out),
            new PrintStream(new ByteArrayOutputStream()))
        .run();
    JsonNode r = new ObjectMapper().readTree(out.resolve("scale.json").toFile()).get(0);
    assertEquals(30, r.get("input_lines").asInt());
    assertTrue(r.get("sentences").asInt() >= 30, r.toString());
    assertTrue(r.get("sentences_per_second").asDouble() > 0, r.toString());
    assertTrue(r.get("peak_rss_mb").asDouble() > 100, r.toString());
    double first = r.get("time_to_first_output_s").asDouble();
    assertTrue(first > 0 && first <= r.get("jvm_wall_s").asDouble(), r.toString());
    assertTrue(Files.readString(out.resolve("scale.md")).contains("| 30 |"));
  }
}
