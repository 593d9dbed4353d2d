package dev.packbert.bench;

import dev.packbert.engine.CpuFeatures;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * DIR/peer.md of {@code bench --peer}: the settings' table, then the fp32 ceiling and its bounds.
 */
final class PeerTable {
  private PeerTable() {}

  static String markdown(
      PeerBench.Settings s,
      String pooling,
      List<Map<String, Object>> rows,
      Map<GemmRates.Kind, Fp32Ceiling> ceilings,
      String loadStart,
      String loadEnd,
      double seconds) {
    Fp32Ceiling ceiling = ceilings.get(GemmRates.Kind.FP32);
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "model %s (same .onnx weights for every peer; PackBERT and the ORT job pool by %s), %d"
                + " sentences, local[%d], %d partitions, "
                + "%d rounds (settings alternated, each run in its own JVM), timed = transform + "
                + "write.format(\"noop\") after a %d-sentence warm-up; load average %s at start, %s "
                + "at end; run %.0f s%n%nCPU: %s%n%n",
            s.model(),
            pooling,
            s.sentences(),
            s.threads(),
            s.partitions(),
            s.rounds(),
            s.warmup(),
            loadStart,
            loadEnd,
            seconds,
            CpuFeatures.summary()));
    boolean quality = rows.stream().anyMatch(r -> r.containsKey("quality"));
    if (quality) {
      @SuppressWarnings("unchecked")
      Map<String, Object> q =
          (Map<String, Object>)
              rows.stream().filter(r -> r.containsKey("quality")).findFirst().get().get("quality");
      b.append(
          String.format(
              Locale.ROOT,
              "quality: each setting's vectors of %s held-out europarl sentences (never timed, run"
                  + " through the same pipeline after its timed run) against fp32 ONNX Runtime on"
                  + " the model's .onnx with each sentence alone: cosine min / mean, Spearman of"
                  + " %s pairwise similarities, recall@%d of the nearest neighbours%s%n%n",
              q.get("sentences"),
              q.get("spearman_pairs"),
              EmbeddingQuality.K,
              pooling.equals("cls")
                  ? " (Spark NLP's settings average the tokens; the model pools [CLS])"
                  : ""));
    }
    b.append(
        "| setting | defaults | sent/s (mean) | rounds | PackBERT stage × | best of its peer "
            + "| % of fp32 ceiling |"
            + (quality ? " recall@" + EmbeddingQuality.K + " | cosine min / mean | Spearman |" : "")
            + " cosine to PackBERT mean / min | max abs diff | peak RSS MB |\n");
    b.append("|---|---|---|---|---|---|---|" + (quality ? "---|---|---|" : "") + "---|---|---|\n");
    for (Map<String, Object> r : rows) {
      @SuppressWarnings("unchecked")
      List<Double> rounds = (List<Double>) r.get("sentences_per_second_rounds");
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %.1f | %s | %.2f | %s | %.1f |%s %s | %s | %.0f |%n",
              r.get("setting"),
              Boolean.TRUE.equals(r.get("defaults"))
                  ? "yes"
                  : Boolean.TRUE.equals(r.get("opt_in_precision"))
                      ? "opt-in " + r.get("precision")
                      : r.get("peer").equals(PeerSetting.Peer.ORT_HANDWRITTEN_QUANTIZED.label)
                          ? "int8 copy"
                          : "",
              (Double) r.get("sentences_per_second"),
              String.join(
                  " / ", rounds.stream().map(x -> String.format(Locale.ROOT, "%.1f", x)).toList()),
              (Double) r.get("packbert_stage_speedup"),
              Boolean.TRUE.equals(r.get("best_of_peer")) ? "best" : "",
              100 * (Double) r.get("fp32_ceiling_share"),
              quality ? qualityCells(r) : "",
              r.containsKey("mean_cosine_vs_packbert")
                  ? String.format(
                      Locale.ROOT,
                      "%.6f / %.6f",
                      (Double) r.get("mean_cosine_vs_packbert"),
                      (Double) r.get("min_cosine_vs_packbert"))
                  : "",
              r.containsKey("max_abs_diff_vs_packbert")
                  ? String.format(Locale.ROOT, "%.2e", (Double) r.get("max_abs_diff_vs_packbert"))
                  : "",
              (Double) r.get("peak_rss_mb")));
    }
    b.append(
        String.format(
            Locale.ROOT,
            "%nfp32 ceiling: %d sentences, %d real tokens (each clipped to %d), %.1f GFLOP of useful"
                + " fp32 work (real tokens only, attention within each sentence only%s); TF's fp32"
                + " MatMul ran at %.1f GFLOP/s (%s, the fastest of the model's GEMM shapes, %d threads,"
                + " sampled between the runs), so an exact"
                + " fp32 engine that spent no time outside its GEMMs would embed **%.1f sent/s**."
                + " Against each peer's best fp32 setting, the largest lead such an engine could"
                + " have here:%n%n",
            ceiling.sentences(),
            ceiling.realTokens(),
            BenchCorpus.MAX_TOKENS,
            ceiling.usefulFlops() / 1e9,
            pooling.equals("cls")
                ? "; in the last layer, keys and values of every token but the rest for [CLS] only"
                : "",
            ceiling.matmulFlopsPerSecond() / 1e9,
            ceiling.matmulShape(),
            s.threads(),
            ceiling.sentencesPerSecond()));
    for (Map<String, Object> r : rows) {
      if (Boolean.TRUE.equals(r.get("best_of_peer"))
          && !r.get("peer").equals(PeerSetting.Peer.PACKBERT_STAGE.label)) {
        double rate = (Double) r.get("sentences_per_second");
        b.append(
            String.format(
                Locale.ROOT,
                "- %s: %.2f× (PackBERT's stage: %.2f×)%n",
                r.get("setting"),
                ceiling.sentencesPerSecond() / rate,
                (Double) r.get("packbert_stage_speedup")));
      }
    }
    ceilings.forEach(
        (k, c) -> {
          if (k == GemmRates.Kind.FP32) {
            return;
          }
          String name = k.name().toLowerCase(Locale.ROOT);
          b.append(
              String.format(
                  Locale.ROOT,
                  "%n%s ceiling: the same %.1f GFLOP of useful work at the best %s rate measured in"
                      + " this run, %.1f G%s/s (%s, %d threads): **%.1f sent/s**%s.",
                  name,
                  c.usefulFlops() / 1e9,
                  k.what,
                  c.matmulFlopsPerSecond() / 1e9,
                  k == GemmRates.Kind.INT8 ? "op" : "FLOP",
                  c.matmulShape(),
                  s.threads(),
                  c.sentencesPerSecond(),
                  k == GemmRates.Kind.INT8
                      ? " (optimistic: attention's Q·Kᵀ and P·V count at the integer rate too)"
                      : ""));
          rows.stream()
              .filter(
                  r ->
                      r.get("peer").equals(PeerSetting.Peer.PACKBERT_STAGE.label)
                          && name.equals(r.get("precision")))
              .forEach(
                  r ->
                      b.append(
                          String.format(
                              Locale.ROOT,
                              " %s at %.1f %% of it.",
                              r.get("setting"),
                              100 * c.share((Double) r.get("sentences_per_second")))));
          b.append('\n');
        });
    return b.toString();
  }

  @SuppressWarnings("unchecked")
  private static String qualityCells(Map<String, Object> r) {
    Map<String, Object> q = (Map<String, Object>) r.get("quality");
    if (q == null) {
      return " | | |";
    }
    return String.format(
        Locale.ROOT,
        " %.4f | %.6f / %.6f | %.6f |",
        ((Number) q.get("recall_at_" + EmbeddingQuality.K)).doubleValue(),
        ((Number) q.get("cosine_min")).doubleValue(),
        ((Number) q.get("cosine_mean")).doubleValue(),
        ((Number) q.get("spearman")).doubleValue());
  }
}
