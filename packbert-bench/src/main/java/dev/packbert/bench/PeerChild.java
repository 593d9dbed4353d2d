package dev.packbert.bench;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.packbert.pack.SentencePacker;
import dev.packbert.spark.BertEmbedder;
import dev.packbert.text.Vocabulary;
import dev.packbert.text.WordPieceTokenizerStage;
import dev.packbert.weights.ModelVocabulary;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * One peer setting in its own JVM (started by {@link PeerBench}): local[N], the parent's sentence
 * parquet, an untimed warm-up, then one timed {@code transform} + {@code write.format("noop")}; the
 * result goes back as JSON, the first sentences' vectors as a float file.
 */
public final class PeerChild {
  /** What the parent asks a child to do; written by the parent as JSON. */
  public record Spec(
      PeerSetting setting,
      String sentences,
      int threads,
      int warmup,
      int check,
      String model,
      String pooling,
      String modelDir,
      String sparkNlpDir,
      String result,
      String vectors,
      String heldOut,
      String heldOutVectors) {}

  private PeerChild() {}

  public static void main(String[] args) throws Exception {
    ObjectMapper json = new ObjectMapper();
    Spec spec = json.readValue(Path.of(args[0]).toFile(), Spec.class);
    SparkSession.Builder b =
        SparkSession.builder()
            .master("local[" + spec.threads() + "]")
            .appName("packbert-peer-" + spec.setting().name())
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", String.valueOf(spec.threads()))
            // every parquet file of the parent is one partition, in every child alike
            .config("spark.sql.files.openCostInBytes", String.valueOf(128L << 20));
    if (spec.setting().intraOpThreads() > 0) {
      // read once per JVM, at the first session: the reason each setting has its own JVM
      b.config(
          "spark.jsl.settings.onnx.intraOpNumThreads",
          String.valueOf(spec.setting().intraOpThreads()));
    }
    SparkSession spark = b.getOrCreate();
    Map<String, Object> r = new LinkedHashMap<>();
    try {
      Dataset<Row> in = spark.read().parquet(spec.sentences());
      UnaryOperator<Dataset<Row>> embed = pipeline(spark, spec);
      long w0 = System.nanoTime();
      noop(embed.apply(in.where(col("idx").lt(spec.warmup()))));
      r.put("warmup_s", (System.nanoTime() - w0) / 1e9);
      r.put("load_before", PeerBench.loadAverage());
      long t0 = System.nanoTime();
      noop(embed.apply(in));
      double seconds = (System.nanoTime() - t0) / 1e9;
      r.put("load_after", PeerBench.loadAverage());
      long n = in.count();
      r.put("setting", spec.setting().name());
      r.put("sentences", n);
      r.put("partitions", in.rdd().getNumPartitions());
      r.put("seconds", seconds);
      r.put("sentences_per_second", n / seconds);
      if (spec.check() > 0) {
        writeVectors(
            embed.apply(in.where(col("idx").lt(spec.check()))).collectAsList(),
            spec.check(),
            Path.of(spec.vectors()));
      }
      if (spec.heldOut() != null) {
        // untimed, after the timed run: the held-out sentences through the same pipeline, for the
        // quality columns (the parent compares them with fp32 each sentence alone)
        Dataset<Row> held = spark.read().parquet(spec.heldOut());
        int count = (int) held.count();
        writeVectors(embed.apply(held).collectAsList(), count, Path.of(spec.heldOutVectors()));
      }
      r.put("jvm_peak_rss_mb", MemoryProbe.peakMb());
      json.writeValue(Path.of(spec.result()).toFile(), r);
    } finally {
      spark.stop();
    }
    System.exit(0); // Spark NLP and ORT leave non-daemon threads behind
  }

  private static void noop(Dataset<Row> df) {
    df.write().format("noop").mode("overwrite").save();
  }

  /** Sentences ({@code idx}, {@code text}, ...) to ({@code idx}, {@code vector}). */
  static UnaryOperator<Dataset<Row>> pipeline(SparkSession spark, Spec spec) throws IOException {
    PeerSetting s = spec.setting();
    Path modelDir = Path.of(spec.modelDir());
    return switch (s.peer()) {
      case PACKBERT_STAGE ->
          packBert(spec.model(), modelDir, s.engine(), s.precision(), spec.pooling());
      case ORT_HANDWRITTEN -> {
        HandWrittenOrtJob job =
            new HandWrittenOrtJob(
                modelDir, s.intraOpThreads(), s.batchSize(), spec.pooling().equals("cls"));
        yield job::transform;
      }
      case ORT_HANDWRITTEN_QUANTIZED -> {
        HandWrittenOrtJob job =
            new HandWrittenOrtJob(
                modelDir,
                QuantizedCopies.onnx(spec.model())
                    .orElseThrow(
                        () -> new IllegalArgumentException("no quantized copy of " + spec.model())),
                s.intraOpThreads(),
                s.batchSize(),
                spec.pooling().equals("cls"));
        yield job::transform;
      }
      case SPARKNLP_BERT ->
          sparkNlp(SparkNlpPeer.pipeline(spark, Path.of(spec.sparkNlpDir()), s.batchSize()));
      case SPARKNLP_E5 ->
          sparkNlp(
              SparkNlpPeer.meanPoolingPipeline(spark, Path.of(spec.sparkNlpDir()), s.batchSize()));
    };
  }

  /**
   * The job's stages with the job's defaults: LPFHP, narrow rows, 128 tokens, window 10,000, the
   * model's pooling (mean or cls).
   */
  private static UnaryOperator<Dataset<Row>> packBert(
      String model, Path modelDir, String engine, String precision, String pooling)
      throws IOException {
    ModelVocabulary mv = ModelVocabulary.read(modelDir);
    WordPieceTokenizerStage tok =
        new WordPieceTokenizerStage()
            .setVocabulary(Vocabulary.of(mv.tokens()))
            .setLowerCase(mv.lowerCase());
    SentencePacker packer =
        new SentencePacker()
            .setMaxSeqLength(BenchCorpus.MAX_TOKENS)
            .setAlgorithm("lpfhp")
            .setNarrowRows(true)
            .setWindow(10_000)
            .setMaxSentencesPerRow(64);
    BertEmbedder embedder =
        new BertEmbedder()
            .setModel(model)
            .setPoolings(pooling)
            .setEngine(engine)
            .setPrecision(precision);
    return in ->
        embedder
            .transform(packer.transform(tok.transform(in)))
            .select(col("doc_id").cast("int").as("idx"), col(pooling).as("vector"));
  }

  /**
   * Spark NLP gets the text as BERT-uncased normalizes it ({@link SparkNlpPeer#bertUncasedText}).
   */
  private static UnaryOperator<Dataset<Row>> sparkNlp(PipelineModel model) {
    return in ->
        model
            .transform(in.select(col("idx"), col("peer_text").as("text")))
            .select(
                col("idx"),
                col("sentence_embeddings").getItem(0).getField("embeddings").as("vector"));
  }

  /** {@code count} vectors in idx order: int count, int hidden, then count × hidden floats. */
  private static void writeVectors(List<Row> rows, int count, Path file) throws IOException {
    int hidden = rows.isEmpty() ? 0 : rows.get(0).getList(1).size();
    float[] v = new float[count * hidden];
    for (Row row : rows) {
      List<Float> e = row.getList(1);
      for (int k = 0; k < hidden; k++) {
        v[row.getInt(0) * hidden + k] = e.get(k);
      }
    }
    try (OutputStream os = Files.newOutputStream(file);
        DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(os))) {
      out.writeInt(count);
      out.writeInt(hidden);
      for (float f : v) {
        out.writeFloat(f);
      }
    }
  }
}
