package dev.packbert.bench;

import ai.onnxruntime.OrtException;
import dev.packbert.engine.CpuFeatures;
import dev.packbert.engine.Engines;
import dev.packbert.model.BertWeights;
import dev.packbert.model.EmbeddingEngine;
import dev.packbert.model.EngineKind;
import dev.packbert.model.EngineOptions;
import dev.packbert.model.Pooling;
import dev.packbert.model.Precision;
import dev.packbert.model.SentenceVectors;
import dev.packbert.text.Vocabulary;
import dev.packbert.weights.ModelDefaults;
import dev.packbert.weights.ModelLoader;
import dev.packbert.weights.ModelRegistry;
import dev.packbert.weights.ModelVocabulary;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code bench quality}: every precision PackBERT offers, and the quantized copies users run,
 * against fp32 with each sentence alone, on held-out europarl sentences ({@link
 * BenchCorpus#heldOut}); numbers from {@link EmbeddingQuality}.
 *
 * <p>The reference is ONNX Runtime on the model's own fp32 .onnx (not PackBERT's graph), one
 * sentence per run. PackBERT runs packed as the job packs (LPFHP, narrow rows, 128 tokens, 4,096
 * tokens a batch) at each precision on each engine that runs it ({@link Precision#requireEngine});
 * bf16 only on a CPU with bf16 instructions. ONNX Runtime runs the model's fp32 .onnx and its
 * quantized copy ({@link QuantizedCopies}) as a user would: sentences sorted by length, batches of
 * {@link #PEER_BATCH} padded to their longest. The quantized copy scales activations per tensor, so
 * its vectors depend on the batch's other sentences; these are its vectors in such batches. All see
 * the same WordPiece ids, clipped to 128 tokens.
 */
public final class QualityBench {
  /** The batch a user's ONNX Runtime loop runs (sentence-transformers' encode() default). */
  public static final int PEER_BATCH = 32;

  /** One compared system and its numbers. */
  public record Result(String system, String precision, String engine, EmbeddingQuality quality) {
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("system", system);
      m.put("precision", precision);
      m.put("engine", engine);
      m.putAll(quality.toMap());
      return m;
    }
  }

  private final String model;
  private final Path modelDir;
  private final Pooling pooling;
  private final int threads;
  private final List<int[]> tokens;
  private float[][] reference;

  /** {@code sentences}: held-out texts, e.g. {@link BenchCorpus#heldOut}. */
  public QualityBench(String model, List<String> sentences, int threads) {
    this.model = model;
    this.modelDir = ModelRegistry.resolve(model);
    this.pooling = pooling(model);
    this.threads = threads;
    ModelVocabulary mv = ModelVocabulary.read(modelDir);
    this.tokens =
        Arrays.asList(BenchCorpus.tokenize(sentences, Vocabulary.of(mv.tokens()), mv.lowerCase()));
  }

  /** The model's own pooling where it is [CLS] alone (bge), else mean. */
  public static Pooling pooling(String model) {
    EnumSet<Pooling> own = ModelDefaults.of(model, Map.of()).pooling();
    return own != null && own.equals(EnumSet.of(Pooling.CLS)) ? Pooling.CLS : Pooling.MEAN;
  }

  public Pooling pooling() {
    return pooling;
  }

  public int sentences() {
    return tokens.size();
  }

  /** fp32, ONNX Runtime on the model's own .onnx, each sentence alone. */
  public float[][] reference() {
    if (reference == null) {
      reference = ort(modelDir.resolve("model.onnx"), 1);
    }
    return reference;
  }

  /** ONNX Runtime on {@code onnx}, length-sorted batches of {@code batch}. */
  public float[][] ort(Path onnx, int batch) {
    try {
      return new HandWrittenOrtJob(modelDir, onnx, threads, batch, pooling == Pooling.CLS)
          .embed(tokens);
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime on " + onnx + ": " + e.getMessage(), e);
    }
  }

  /**
   * Every (precision, engine) PackBERT runs here: the precisions that engine accepts, bf16 only
   * where the CPU has bf16 instructions (elsewhere TF emulates it, slowly). Iterates over {@link
   * Precision#values()}, so a precision added to the product shows up without an edit here.
   */
  public static List<EngineOptions> packbertSettings(int threads) {
    List<EngineOptions> out = new ArrayList<>();
    for (Precision p : Precision.values()) {
      if (p == Precision.BF16 && !CpuFeatures.hasBf16()) {
        continue;
      }
      for (EngineKind e : EngineKind.values()) {
        try {
          p.requireEngine(e);
          e.requireAvailable();
        } catch (IllegalArgumentException notHere) {
          continue;
        }
        out.add(EngineOptions.cpu(threads).withEngine(e).withPrecision(p));
      }
    }
    return out;
  }

  /** PackBERT, packed as the job packs, on {@code o}'s engine and precision. */
  public float[][] packbert(EngineOptions o) {
    BertWeights weights = ModelLoader.weights(modelDir);
    Variant v =
        new Variant(
            "packed-lpfhp-128",
            Variant.Kind.PACKED_LPFHP,
            BenchCorpus.MAX_TOKENS,
            0,
            Variant.TOKEN_BUDGET,
            o.precision());
    int[][] ids = tokens.toArray(new int[0][]);
    float[][] out = new float[ids.length][];
    try (EmbeddingEngine engine = Engines.open(weights, o)) {
      for (PlannedBatch pb : BatchPlanner.plan(v, ids)) {
        SentenceVectors sv = engine.embed(pb.batch(), EnumSet.of(pooling));
        for (int k = 0; k < pb.inputIndex().length; k++) {
          out[pb.inputIndex()[k]] = sv.vector(pooling, k);
        }
      }
    }
    return out;
  }

  /** Every system against the reference, PackBERT first. */
  public List<Result> run(PrintStream log) {
    float[][] ref = reference();
    List<Result> out = new ArrayList<>();
    for (EngineOptions o : packbertSettings(threads)) {
      String p = o.precision().label();
      out.add(
          note(
              log,
              new Result(
                  "packbert packed",
                  p,
                  o.engine().label(),
                  EmbeddingQuality.of(ref, packbert(o)))));
    }
    out.add(
        note(
            log,
            new Result(
                "onnxruntime, model's .onnx, sorted batches of " + PEER_BATCH,
                "fp32",
                "onnxruntime",
                EmbeddingQuality.of(ref, ort(modelDir.resolve("model.onnx"), PEER_BATCH)))));
    Optional<Path> q = QuantizedCopies.onnx(model);
    if (q.isPresent()) {
      out.add(
          note(
              log,
              new Result(
                  "onnxruntime, "
                      + QuantizedCopies.coordinates(model)
                      + ", sorted batches of "
                      + PEER_BATCH,
                  "int8 (per-tensor)",
                  "onnxruntime",
                  EmbeddingQuality.of(ref, ort(q.get(), PEER_BATCH)))));
    }
    return out;
  }

  private static Result note(PrintStream log, Result r) {
    if (log != null) {
      log.printf(
          Locale.ROOT,
          "bench: quality %s %s (%s): recall@%d %.4f%n",
          r.system(),
          r.precision(),
          r.engine(),
          EmbeddingQuality.K,
          r.quality().recallAtK());
    }
    return r;
  }

  /** The table {@code bench quality} prints. */
  public static String markdown(String model, Pooling pooling, List<Result> rows) {
    StringBuilder b = new StringBuilder();
    int n = rows.isEmpty() ? 0 : rows.get(0).quality().sentences();
    b.append(
        String.format(
            Locale.ROOT,
            "model %s (%s pooling), %d held-out europarl sentences; reference: fp32, ONNX Runtime on"
                + " the model's own .onnx, each sentence alone; Spearman over %d pairwise"
                + " similarities; recall@%d of the reference's nearest neighbours (cosine, self"
                + " excluded)%n%nCPU: %s%n%n",
            model,
            pooling.name().toLowerCase(Locale.ROOT),
            n,
            rows.isEmpty() ? 0 : rows.get(0).quality().pairs(),
            EmbeddingQuality.K,
            CpuFeatures.summary()));
    b.append(
        "| system | precision | engine | cosine min | cosine mean | Spearman | recall@"
            + EmbeddingQuality.K
            + " |\n|---|---|---|---|---|---|---|\n");
    for (Result r : rows) {
      EmbeddingQuality q = r.quality();
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %.6f | %.6f | %.6f | %.4f |%n",
              r.system(),
              r.precision(),
              r.engine(),
              q.minCosine(),
              q.meanCosine(),
              q.spearman(),
              q.recallAtK()));
    }
    return b.toString();
  }
}
