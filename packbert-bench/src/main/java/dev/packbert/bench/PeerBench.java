package dev.packbert.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.packbert.engine.CpuFeatures;
import dev.packbert.model.BertConfig;
import dev.packbert.model.Pooling;
import dev.packbert.text.Vocabulary;
import dev.packbert.weights.ModelDefaults;
import dev.packbert.weights.ModelLoader;
import dev.packbert.weights.ModelRegistry;
import dev.packbert.weights.ModelVocabulary;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Issue 12 item 3 ({@code bench --peer}): PackBERT's Spark stage against Spark NLP at each of its
 * settings and a hand-written ONNX Runtime job, all through Spark on the same sentence parquet,
 * partitions and local[N], each setting in its own child JVM ({@link PeerChild}), rounds
 * round-robin across the settings. Writes DIR/peer.json and DIR/peer.md.
 */
public final class PeerBench {
  /** PackBERT's engine when none is named. */
  public static final String DEFAULT_ENGINE = "tensorflow";

  /** MatMul runs per shape and sample: ~1 s in all at MiniLM's shapes. */
  private static final int MATMUL_SAMPLES = 10;

  /** {@code model}: a model name or directory with a model.onnx, which every peer runs. */
  public record Settings(
      String model,
      int sentences,
      int threads,
      int partitions,
      int rounds,
      int warmup,
      int check,
      String engine,
      String filter,
      Path out,
      int quality) {

    /** Without the quality columns. */
    public Settings(
        String model,
        int sentences,
        int threads,
        int partitions,
        int rounds,
        int warmup,
        int check,
        String engine,
        String filter,
        Path out) {
      this(model, sentences, threads, partitions, rounds, warmup, check, engine, filter, out, 0);
    }
  }

  private final Settings s;
  private final PrintStream log;

  /** Held-out sentences for the quality columns (none when Settings.quality is 0). */
  private List<String> heldOut = List.of();

  /** "cls" or "mean": what PackBERT's stage and the hand-written job keep, read once. */
  private final String pooling;

  public PeerBench(Settings s, PrintStream log) {
    this.s = s;
    this.log = log;
    this.pooling = pooling(s.model());
  }

  /** The per-setting rows (also in DIR/peer.json), the PackBERT stage first. */
  public List<Map<String, Object>> run() throws IOException, InterruptedException {
    long start = System.nanoTime();
    Files.createDirectories(s.out());
    String loadStart = loadAverage();
    Path parquet = s.out().resolve("peer-sentences.parquet");
    heldOut = s.quality() > 0 ? BenchCorpus.heldOut(s.quality()) : List.of();
    List<String> texts = writeSentences(parquet);
    Path modelDir = ModelRegistry.resolve(s.model());
    List<PeerSetting> settings =
        PeerSetting.grid(
            s.threads(),
            s.engine(),
            CpuFeatures.hasBf16(),
            QuantizedCopies.has(s.model()),
            s.filter());
    BertConfig config = ModelLoader.config(modelDir);
    try (GemmRates matmul = new GemmRates(config, s.threads())) {
      return run(start, loadStart, parquet, texts, modelDir, settings, config, matmul);
    }
  }

  private List<Map<String, Object>> run(
      long start,
      String loadStart,
      Path parquet,
      List<String> texts,
      Path modelDir,
      List<PeerSetting> settings,
      BertConfig config,
      GemmRates matmul)
      throws IOException, InterruptedException {
    // only when a Spark NLP setting runs: the renaming expects MiniLM's output names
    Path sparkNlpDir =
        settings.stream().anyMatch(p -> p.peer().isSparkNlp())
            ? SparkNlpPeer.prepare(modelDir, s.out())
            : null;
    Map<String, List<Map<String, Object>>> results = new LinkedHashMap<>();
    Map<String, Double> peaks = new LinkedHashMap<>();
    Path work = Files.createDirectories(s.out().resolve("peer-runs"));
    ObjectMapper json = new ObjectMapper();
    // sampled between the children, never beside one: the rate of this machine at this hour
    matmul.sample(MATMUL_SAMPLES);
    for (int round = 0; round < s.rounds(); round++) {
      for (int k = 0; k < settings.size(); k++) {
        // each round starts one setting later, so no setting always runs first or last
        PeerSetting setting = settings.get((k + round) % settings.size());
        String tag = setting.name() + "-r" + (round + 1);
        Path spec = work.resolve(tag + ".spec.json");
        Path result = work.resolve(tag + ".json");
        Path vectors = work.resolve(setting.name() + ".vectors");
        Map<String, Object> r =
            Files.exists(result)
                ? reuse(json, result, s.sentences())
                : runChild(
                    json,
                    setting,
                    round,
                    tag,
                    spec,
                    result,
                    vectors,
                    parquet,
                    modelDir,
                    sparkNlpDir,
                    work);
        matmul.sample(MATMUL_SAMPLES);
        double peak = ((Number) r.get("child_peak_rss_mb")).doubleValue();
        results.computeIfAbsent(setting.name(), x -> new ArrayList<>()).add(r);
        peaks.merge(setting.name(), peak, Math::max);
        log.printf(
            Locale.ROOT,
            "bench: peer round %d/%d %-48s %7.1f sent/s (child %.0f s, load %s)%s%n",
            round + 1,
            s.rounds(),
            setting.name(),
            ((Number) r.get("sentences_per_second")).doubleValue(),
            ((Number) r.get("child_wall_s")).doubleValue(),
            r.get("load_before"),
            Boolean.TRUE.equals(r.get("reused"))
                ? " (reused from an earlier run into this DIR)"
                : "");
      }
    }
    ModelVocabulary mv = ModelVocabulary.read(modelDir);
    int[][] tokens = BenchCorpus.tokenize(texts, Vocabulary.of(mv.tokens()), mv.lowerCase());
    Map<GemmRates.Kind, Fp32Ceiling> ceilings = new LinkedHashMap<>();
    for (GemmRates.Kind k : GemmRates.Kind.values()) {
      if (matmul.has(k)) {
        Map.Entry<String, Double> fastest = matmul.fastest(k);
        ceilings.put(
            k,
            Fp32Ceiling.of(
                tokens, config, pooling.equals("cls"), fastest.getValue(), fastest.getKey()));
      }
    }
    Fp32Ceiling ceiling = ceilings.get(GemmRates.Kind.FP32);
    float[][] reference = null;
    if (!heldOut.isEmpty()) {
      log.printf(
          Locale.ROOT,
          "bench: quality reference: fp32 ONNX Runtime on the model's .onnx, %d held-out sentences"
              + " each alone%n",
          heldOut.size());
      reference = new QualityBench(s.model(), heldOut, s.threads()).reference();
    }
    List<Map<String, Object>> rows = summarize(settings, results, peaks, work, ceilings, reference);
    ObjectMapper pretty = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    pretty.writeValue(s.out().resolve("peer.json").toFile(), rows);
    Map<String, Object> ceilingJson = new LinkedHashMap<>(ceiling.toMap());
    ceilings.forEach(
        (k, c) -> {
          if (k != GemmRates.Kind.FP32) {
            String key = k.name().toLowerCase(Locale.ROOT);
            ceilingJson.put(key + "_gemm", k.what);
            ceilingJson.put(key + "_gemm_shape", c.matmulShape());
            ceilingJson.put(key + "_gemm_gops", c.matmulFlopsPerSecond() / 1e9);
            ceilingJson.put(key + "_ceiling_sentences_per_second", c.sentencesPerSecond());
          }
        });
    pretty.writeValue(s.out().resolve("ceiling.json").toFile(), ceilingJson);
    String md =
        PeerTable.markdown(
            s,
            pooling,
            rows,
            ceilings,
            loadStart,
            loadAverage(),
            (System.nanoTime() - start) / 1e9);
    Files.writeString(s.out().resolve("peer.md"), md);
    log.println();
    log.print(md);
    return rows;
  }

  private Map<String, Object> runChild(
      ObjectMapper json,
      PeerSetting setting,
      int round,
      String tag,
      Path spec,
      Path result,
      Path vectors,
      Path parquet,
      Path modelDir,
      Path sparkNlpDir,
      Path work)
      throws IOException, InterruptedException {
    json.writeValue(
        spec.toFile(),
        new PeerChild.Spec(
            setting,
            parquet.toString(),
            s.threads(),
            s.warmup(),
            round == 0 ? Math.min(s.check(), s.sentences()) : 0,
            s.model(),
            pooling,
            modelDir.toString(),
            sparkNlpDir == null ? null : sparkNlpDir.toString(),
            result.toString(),
            vectors.toString(),
            round == 0 && !heldOut.isEmpty()
                ? s.out().resolve("peer-heldout.parquet").toString()
                : null,
            work.resolve(setting.name() + ".heldout.vectors").toString()));
    ChildJvm.Outcome o =
        ChildJvm.run(
            PeerChild.class,
            List.of(spec.toString()),
            "4g",
            work.resolve(tag + ".log"),
            (l, t) -> {});
    if (o.exitCode() != 0 || !Files.exists(result)) {
      throw new IOException(
          "peer " + tag + " failed (exit " + o.exitCode() + "); see " + work.resolve(tag + ".log"));
    }
    Map<String, Object> r = read(json, result);
    r.put("child_peak_rss_mb", o.peakRssMb());
    r.put("child_wall_s", o.wallSeconds());
    json.writeValue(result.toFile(), r);
    return r;
  }

  /**
   * A result an earlier, interrupted run left in DIR (a shared machine may need the rounds split
   * over several invocations): the same setting, round and sentences, so it counts as it is.
   */
  private static Map<String, Object> reuse(ObjectMapper json, Path result, int sentences)
      throws IOException {
    Map<String, Object> r = read(json, result);
    if (((Number) r.get("sentences")).intValue() != sentences) {
      throw new IOException(
          result + " is from a run on " + r.get("sentences") + " sentences; use a fresh --out");
    }
    // results written before the parent recorded its sample carry the child's own VmHWM
    r.putIfAbsent("child_peak_rss_mb", r.getOrDefault("jvm_peak_rss_mb", -1.0));
    r.putIfAbsent("child_wall_s", Double.NaN);
    r.put("reused", true);
    return r;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> read(ObjectMapper json, Path result) throws IOException {
    return json.readValue(result.toFile(), LinkedHashMap.class);
  }

  /**
   * The model's own pooling where it is [CLS] alone (bge), else mean: what PackBERT's stage and the
   * hand-written job both compute (Spark NLP's peers always average).
   */
  private static String pooling(String model) {
    java.util.EnumSet<Pooling> own = ModelDefaults.of(model, Map.of()).pooling();
    return own != null && own.equals(java.util.EnumSet.of(Pooling.CLS)) ? "cls" : "mean";
  }

  /**
   * Sentence table every child reads: idx, the packer's provenance columns, text, peer_text.
   * Returns the texts.
   */
  private List<String> writeSentences(Path parquet) {
    SparkSession spark =
        SparkSession.builder()
            .master("local[" + s.threads() + "]")
            .appName("packbert-bench-peer")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", String.valueOf(s.threads()))
            .getOrCreate();
    List<String> sentences = BenchCorpus.sentences(spark, s.sentences());
    write(spark, sentences, parquet);
    if (!heldOut.isEmpty()) {
      write(spark, heldOut, s.out().resolve("peer-heldout.parquet"));
    }
    spark.stop();
    return sentences;
  }

  private void write(SparkSession spark, List<String> sentences, Path parquet) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < sentences.size(); i++) {
      String t = sentences.get(i);
      rows.add(
          RowFactory.create(
              i, String.valueOf(i), 0, 0, t.length(), t, SparkNlpPeer.bertUncasedText(t)));
    }
    StructType schema =
        new StructType()
            .add("idx", DataTypes.IntegerType)
            .add("doc_id", DataTypes.StringType)
            .add("sentence_index", DataTypes.IntegerType)
            .add("begin", DataTypes.IntegerType)
            .add("end", DataTypes.IntegerType)
            .add("text", DataTypes.StringType)
            .add("peer_text", DataTypes.StringType);
    // contiguous slices, one file each: every child reads the same partitions
    spark
        .createDataFrame(rows, schema)
        .coalesce(1)
        .repartitionByRange(s.partitions(), org.apache.spark.sql.functions.col("idx"))
        .write()
        .mode(SaveMode.Overwrite)
        .parquet(parquet.toString());
    log.printf(
        Locale.ROOT,
        "bench: %d europarl sentences in %d partitions -> %s%n",
        rows.size(),
        s.partitions(),
        parquet);
  }

  private List<Map<String, Object>> summarize(
      List<PeerSetting> settings,
      Map<String, List<Map<String, Object>>> results,
      Map<String, Double> peaks,
      Path work,
      Map<GemmRates.Kind, Fp32Ceiling> ceilings,
      float[][] reference)
      throws IOException {
    Fp32Ceiling ceiling = ceilings.get(GemmRates.Kind.FP32);
    String ref =
        settings.stream()
            .filter(p -> p.peer() == PeerSetting.Peer.PACKBERT_STAGE && !p.optInPrecision())
            .map(PeerSetting::name)
            .findFirst()
            .orElse(null);
    float[][] refVectors = ref == null ? null : readVectors(work.resolve(ref + ".vectors"));
    double packbert = ref == null ? Double.NaN : meanRate(results.get(ref));
    Map<PeerSetting.Peer, Double> bestOfPeer = new LinkedHashMap<>();
    for (PeerSetting p : settings) {
      if (!p.optInPrecision()) {
        bestOfPeer.merge(p.peer(), meanRate(results.get(p.name())), Math::max);
      }
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (PeerSetting p : settings) {
      List<Map<String, Object>> rs = results.get(p.name());
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("setting", p.name());
      row.put("peer", p.peer().label);
      row.put("defaults", p.defaults());
      row.put("intra_op_threads", p.intraOpThreads());
      row.put("batch_size", p.batchSize());
      row.put("engine", p.peer() == PeerSetting.Peer.PACKBERT_STAGE ? p.engine() : null);
      row.put("precision", p.precision());
      row.put("opt_in_precision", p.optInPrecision());
      row.put(
          "sentences_per_second_rounds",
          rs.stream().map(r -> ((Number) r.get("sentences_per_second")).doubleValue()).toList());
      double rate = meanRate(rs);
      row.put("sentences_per_second", rate);
      row.put("best_of_peer", !p.optInPrecision() && rate == bestOfPeer.get(p.peer()));
      row.put("packbert_stage_speedup", packbert / rate);
      row.put("fp32_ceiling_share", ceiling.share(rate));
      ceilings.forEach(
          (k, c) -> {
            if (k != GemmRates.Kind.FP32) {
              row.put(k.name().toLowerCase(Locale.ROOT) + "_ceiling_share", c.share(rate));
            }
          });
      float[][] held =
          reference == null ? null : readVectors(work.resolve(p.name() + ".heldout.vectors"));
      if (held != null && held.length == reference.length) {
        row.put("quality", EmbeddingQuality.of(reference, held).toMap());
      }
      row.put("sentences", rs.get(0).get("sentences"));
      row.put("partitions", rs.get(0).get("partitions"));
      row.put("peak_rss_mb", peaks.get(p.name()));
      row.put("load_before_rounds", rs.stream().map(r -> r.get("load_before")).toList());
      float[][] v = readVectors(work.resolve(p.name() + ".vectors"));
      if (refVectors != null && v != null) {
        VectorCompare c =
            VectorCompare.of(flat(refVectors), flat(v), refVectors[0].length, refVectors.length);
        row.put("compared_sentences", refVectors.length);
        row.put("mean_cosine_vs_packbert", c.meanCosine());
        row.put("min_cosine_vs_packbert", c.minCosine());
        row.put("max_abs_diff_vs_packbert", c.maxAbsDiff());
      }
      rows.add(row);
    }
    for (PeerSetting.Peer peer : bestOfPeer.keySet()) {
      log.printf(
          Locale.ROOT,
          "bench: PackBERT stage %.1f sent/s = %.2fx the best %s setting (%.1f sent/s)%n",
          packbert,
          packbert / bestOfPeer.get(peer),
          peer.label,
          bestOfPeer.get(peer));
    }
    log.printf(
        Locale.ROOT,
        "bench: fp32 ceiling %.1f sent/s (%.1f GFLOP useful work, TF MatMul %.1f GFLOP/s); PackBERT"
            + " stage at %.1f %% of it%n",
        ceiling.sentencesPerSecond(),
        ceiling.usefulFlops() / 1e9,
        ceiling.matmulFlopsPerSecond() / 1e9,
        100 * ceiling.share(packbert));
    ceilings.forEach(
        (k, c) -> {
          if (k != GemmRates.Kind.FP32) {
            log.printf(
                Locale.ROOT,
                "bench: %s ceiling %.1f sent/s (%s %.1f G/s at %s)%n",
                k.name().toLowerCase(Locale.ROOT),
                c.sentencesPerSecond(),
                k.what,
                c.matmulFlopsPerSecond() / 1e9,
                c.matmulShape());
          }
        });
    for (PeerSetting p : settings) {
      if (p.optInPrecision()) {
        double rate = meanRate(results.get(p.name()));
        for (PeerSetting.Peer peer : bestOfPeer.keySet()) {
          log.printf(
              Locale.ROOT,
              "bench: %s (opt-in) %.1f sent/s = %.2fx the best %s setting%n",
              p.name(),
              rate,
              rate / bestOfPeer.get(peer),
              peer.label);
        }
      }
    }
    return rows;
  }

  private static double meanRate(List<Map<String, Object>> rs) {
    return rs.stream()
        .mapToDouble(r -> ((Number) r.get("sentences_per_second")).doubleValue())
        .average()
        .orElse(Double.NaN);
  }

  private static float[] flat(float[][] v) {
    float[] out = new float[v.length * v[0].length];
    for (int i = 0; i < v.length; i++) {
      System.arraycopy(v[i], 0, out, i * v[i].length, v[i].length);
    }
    return out;
  }

  /** Vectors a child wrote (int count, int hidden, floats), or null where it wrote none. */
  static float[][] readVectors(Path file) throws IOException {
    if (!Files.exists(file)) {
      return null;
    }
    try (DataInputStream in =
        new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
      int n = in.readInt();
      int h = in.readInt();
      if (n == 0 || h == 0) {
        return null;
      }
      float[][] v = new float[n][h];
      for (float[] row : v) {
        for (int k = 0; k < h; k++) {
          row[k] = in.readFloat();
        }
      }
      return v;
    }
  }

  /** The 1-, 5- and 15-minute load averages, as /proc/loadavg says. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+", -1);
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "n/a";
    }
  }
}
