package dev.packbert.bench;

import dev.packbert.engine.Engines;
import dev.packbert.model.BertWeights;
import dev.packbert.model.EmbeddingEngine;
import dev.packbert.model.EngineKind;
import dev.packbert.model.EngineOptions;
import dev.packbert.model.Precision;
import dev.packbert.text.Vocabulary;
import dev.packbert.weights.ModelLoader;
import dev.packbert.weights.ModelRegistry;
import dev.packbert.weights.ModelVocabulary;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Issue 6: one run, same sentences, same model and threads, all variants round-robin; writes
 * DIR/bench.{json,csv,png,md}.
 */
public final class Benchmark {
  /** The model every peer of {@code bench --peer} runs (PeerBench). */
  static final String PEER_MODEL = "all-minilm-l6-v2";

  public record Settings(
      String model,
      int sentences,
      List<Variant> variants,
      int chunkSize,
      int checkSentences,
      int threads,
      boolean profile,
      Path out,
      EngineKind engine) {

    /** On the default engine, TensorFlow. */
    public Settings(
        String model,
        int sentences,
        List<Variant> variants,
        int chunkSize,
        int checkSentences,
        int threads,
        boolean profile,
        Path out) {
      this(
          model,
          sentences,
          variants,
          chunkSize,
          checkSentences,
          threads,
          profile,
          out,
          EngineKind.TENSORFLOW);
    }
  }

  private final Settings s;
  private final PrintStream log;

  public Benchmark(Settings s, PrintStream log) {
    this.s = s;
    this.log = log;
  }

  /** corpus → engines → single-sentence references → variants, alternated → report → files. */
  public BenchReport run() throws IOException {
    long start = System.nanoTime();
    Files.createDirectories(s.out());
    Corpus corpus = corpus();
    BertWeights weights = ModelLoader.weights(corpus.modelDir());
    EngineOptions fp32 = EngineOptions.cpu(s.threads()).withEngine(s.engine());
    Map<Precision, EmbeddingEngine> engines = new EnumMap<>(Precision.class);
    try (MatmulRate matmulRate = new MatmulRate(fp32, Variant.TOKEN_BUDGET, 768, 3072)) {
      BenchRunner runner =
          new BenchRunner(
              p ->
                  engines.computeIfAbsent(
                      p,
                      q ->
                          Engines.open(
                              weights, fp32.withPrecision(q).withEngine(q.engine(s.engine())))),
              new FlopModel(weights.config()),
              weights.config().hiddenSize(),
              () -> matmulRate.sample(3));
      int check = Math.min(s.checkSentences(), corpus.tokens().length);
      float[] singles = singles(runner, corpus.tokens(), check);
      if (s.profile()) {
        writeProfile(runner, corpus.tokens());
      }
      BenchRunner.Outcome o = runVariants(runner, corpus.tokens());
      double matmul = matmulRate.rate();
      log.printf(
          Locale.ROOT,
          "bench: TF fp32 MatMul 4096x768x3072 on %d threads: %.1f GFLOP/s%n",
          s.threads(),
          matmul / 1e9);
      BenchReport report = report(o, singles, weights.config().hiddenSize(), check, matmul);
      writeOutputs(report, corpus, check, matmul, start);
      return report;
    } finally {
      engines.values().forEach(EmbeddingEngine::close);
    }
  }

  /**
   * The sentences, tokenized once with the model's own vocabulary. A class, not a record: a
   * record's equals would compare the token array by reference.
   */
  private static final class Corpus {
    private final Path modelDir;
    private final int[][] tokens;
    private final double tokenizeSeconds;

    Corpus(Path modelDir, int[][] tokens, double tokenizeSeconds) {
      this.modelDir = modelDir;
      this.tokens = tokens;
      this.tokenizeSeconds = tokenizeSeconds;
    }

    Path modelDir() {
      return modelDir;
    }

    int[][] tokens() {
      return tokens;
    }

    double tokenizeSeconds() {
      return tokenizeSeconds;
    }
  }

  private Corpus corpus() {
    SparkSession spark =
        SparkSession.builder()
            .master("local[" + s.threads() + "]")
            .appName("packbert-bench")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", String.valueOf(s.threads()))
            .getOrCreate();
    List<String> sentences = BenchCorpus.sentences(spark, s.sentences());
    log.printf(
        Locale.ROOT,
        "bench: %d europarl sentences (SentenceSplitter, local[%d])%n",
        sentences.size(),
        s.threads());
    Path modelDir = ModelRegistry.resolve(s.model());
    ModelVocabulary mv = ModelVocabulary.read(modelDir);
    long tk0 = System.nanoTime();
    int[][] tokens = BenchCorpus.tokenize(sentences, Vocabulary.of(mv.tokens()), mv.lowerCase());
    return new Corpus(modelDir, tokens, (System.nanoTime() - tk0) / 1e9);
  }

  private float[] singles(BenchRunner runner, int[][] tokens, int check) {
    long sg0 = System.nanoTime();
    float[] singles = runner.singles(tokens, check);
    log.printf(
        Locale.ROOT,
        "bench: %d single-sentence references in %.1f s%n",
        check,
        (System.nanoTime() - sg0) / 1e9);
    return singles;
  }

  private BenchRunner.Outcome runVariants(BenchRunner runner, int[][] tokens) {
    return runner.run(
        s.variants(),
        tokens,
        s.chunkSize(),
        (v, c, n, t) ->
            log.printf(
                Locale.ROOT,
                "bench: chunk %d/%d %-24s %6.1f sent/s so far%n",
                c,
                n,
                v.name(),
                t.sentencesPerSecond()));
  }

  private BenchReport report(
      BenchRunner.Outcome o, float[] singles, int hidden, int check, double matmul) {
    BenchReport report = new BenchReport();
    for (Variant v : s.variants()) {
      VariantTimes t = o.times().get(v);
      VectorCompare cmp = VectorCompare.of(o.vectors().get(v), singles, hidden, check, v::embeds);
      Map<String, Object> r = report.add(v.name());
      putRates(r, s.model(), v.precision().name().toLowerCase(Locale.ROOT), t);
      r.put("engine", v.precision().engine(s.engine()).label());
      r.put("sampled_every", v.sampleEvery());
      r.put("real_tokens", t.realTokens);
      // an int8 row's useful work against the fp32 GEMM rate is no utilization: its ceiling is the
      // integer GEMM rate, which bench --peer measures beside it
      r.put("mfu", v.precision() == Precision.INT8 ? null : t.usefulFlops / t.seconds() / matmul);
      r.put("max_abs_diff_vs_single", cmp.maxAbsDiff());
      r.put("mean_cosine_vs_single", cmp.meanCosine());
      r.put("min_cosine_vs_single", cmp.minCosine());
      r.put("compared_with_single", cmp.compared());
      r.put("plan_s", t.planSeconds());
      r.put("mask_s", t.maskSeconds());
      r.put("graph_s", t.graphSeconds());
      r.put("unpack_s", t.unpackSeconds());
      r.put("batches", t.batches);
    }
    report.fillRatios();
    return report;
  }

  /** bench.json, bench.csv, bench.png and bench.md (the printed table with its header). */
  private void writeOutputs(BenchReport report, Corpus corpus, int check, double matmul, long start)
      throws IOException {
    int[][] tokens = corpus.tokens();
    report.writeJson(s.out().resolve("bench.json"));
    report.writeCsv(s.out().resolve("bench.csv"));
    BenchPlot.write(s.out().resolve("bench.png"), tokens, report.rows());
    String header =
        String.format(
            Locale.ROOT,
            "model %s, engine %s, %d sentences (%d real tokens, tokenization %.2f s, not in the rates), %d threads, "
                + "TF fp32 matmul %.1f GFLOP/s, TF_ENABLE_ONEDNN_OPTS=%s, singles on the first %d sentences, process VmHWM %.0f MB, run %.0f s%n%n",
            s.model(),
            s.engine().label(),
            tokens.length,
            java.util.Arrays.stream(tokens).mapToLong(a -> a.length).sum(),
            corpus.tokenizeSeconds(),
            s.threads(),
            matmul / 1e9,
            System.getenv().getOrDefault("TF_ENABLE_ONEDNN_OPTS", "unset"),
            check,
            MemoryProbe.peakMb(),
            (System.nanoTime() - start) / 1e9);
    String table = header + report.table();
    Files.writeString(s.out().resolve("bench.md"), table + "\n![bench](bench.png)\n");
    log.println();
    log.print(table);
  }

  /** Op time by type for each variant's largest batch of the first chunk, as a Markdown table. */
  private void writeProfile(BenchRunner runner, int[][] tokens) throws IOException {
    int[][] chunk = java.util.Arrays.copyOf(tokens, Math.min(tokens.length, s.chunkSize()));
    StringBuilder md =
        new StringBuilder(
            "# Op time by type (µs; TensorFlow's trace, ONNX Runtime's profiler for int8), largest"
                + " batch of the first chunk\n\n");
    for (Variant v : s.variants()) {
      Map<String, Long> ops = runner.profile(v, chunk);
      long total = ops.values().stream().mapToLong(Long::longValue).sum();
      md.append(
          String.format(
              Locale.ROOT,
              "## %s — %.0f ms of op time%n%n| op | µs | share |%n|---|---|---|%n",
              v.name(),
              total / 1e3));
      ops.entrySet().stream()
          .limit(12)
          .forEach(
              e ->
                  md.append(
                      String.format(
                          Locale.ROOT,
                          "| %s | %d | %.1f%% |%n",
                          e.getKey(),
                          e.getValue(),
                          100.0 * e.getValue() / Math.max(1, total))));
      md.append('\n');
    }
    Files.writeString(s.out().resolve("profile.md"), md);
    log.print(md);
  }

  /** The fields every timed PackBERT row has, from its times. */
  private static void putRates(
      Map<String, Object> r, String model, String precision, VariantTimes t) {
    r.put("model", model);
    r.put("precision", precision);
    r.put("sentences", t.sentences);
    r.put("seconds", t.seconds());
    r.put("sentences_per_second", t.sentencesPerSecond());
    r.put("real_tokens_per_second", t.realTokensPerSecond());
    r.put("padding_efficiency", t.paddingEfficiency());
    r.put("peak_rss_mb", t.peakRssMb);
  }
}
