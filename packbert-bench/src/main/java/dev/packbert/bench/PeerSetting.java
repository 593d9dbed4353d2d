package dev.packbert.bench;

import dev.packbert.model.EngineKind;
import dev.packbert.model.Precision;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One peer configuration of the through-Spark comparison ({@code bench --peer}); each runs in its
 * own child JVM because Spark NLP reads {@code spark.jsl.settings.onnx.*} once per JVM.
 *
 * @param peer which system
 * @param intraOpThreads ONNX Runtime intra-op threads (Spark NLP's setting, or the hand-written
 *     job's); 0 = the peer's own default
 * @param batchSize sentences per model call (Spark NLP's and the hand-written job's); 0 = not
 *     applicable (PackBERT batches by token budget)
 * @param engine PackBERT's engine ("tensorflow" or "onnxruntime")
 * @param precision the arithmetic: PackBERT's precision label ("fp32", the exact default; any other
 *     is an opt-in row, never a reference or a "best"), "int8" for the quantized copy
 * @param defaults whether this is the peer as it runs out of the box
 */
public record PeerSetting(
    Peer peer,
    int intraOpThreads,
    int batchSize,
    String engine,
    String precision,
    boolean defaults) {

  public enum Peer {
    /** WordPieceTokenizerStage → SentencePacker (LPFHP, 128, the job's defaults) → BertEmbedder. */
    PACKBERT_STAGE("packbert-stage"),
    /** mapPartitions with ONNX Runtime, sorted batches: what a careful user writes by hand. */
    ORT_HANDWRITTEN("ort-mappartitions-sorted"),
    /**
     * The same job on langchain4j's quantized copy of the model ({@link QuantizedCopies}): the int8
     * a user already runs.
     */
    ORT_HANDWRITTEN_QUANTIZED("ort-mappartitions-sorted-quantized"),
    /** DocumentAssembler → Tokenizer → BertEmbeddings → SentenceEmbeddings(AVERAGE). */
    SPARKNLP_BERT("sparknlp-bertembeddings-average"),
    /** DocumentAssembler → E5Embeddings (mask mean pooling), batch 1 (see SparkNlpPeer). */
    SPARKNLP_E5("sparknlp-e5embeddings");

    final String label;

    Peer(String label) {
      this.label = label;
    }

    boolean isSparkNlp() {
      return this == SPARKNLP_BERT || this == SPARKNLP_E5;
    }
  }

  static final String FP32 = "fp32";

  /** Spark NLP 5.5.3's default intra-op threads (ConfigLoader: spark.jsl.settings.onnx). */
  public static final int SPARKNLP_DEFAULT_INTRA_OP = 6;

  /** Spark NLP's default batchSize of BertEmbeddings. */
  public static final int SPARKNLP_DEFAULT_BATCH = 8;

  /** PackBERT at bf16: shown beside the peers, outside the 1e-4 equivalence the others keep. */
  public boolean optInPrecision() {
    return peer == Peer.PACKBERT_STAGE && !FP32.equals(precision);
  }

  public String name() {
    StringBuilder b = new StringBuilder(peer.label);
    if (peer == Peer.PACKBERT_STAGE) {
      b.append(optInPrecision() ? "-" + precision : "").append("-lpfhp-128-").append(engine);
    } else {
      b.append("-intra").append(intraOpThreads).append("-batch").append(batchSize);
    }
    return b.toString();
  }

  /** As {@link #grid(int, String, boolean, boolean, String)} without the quantized copy. */
  public static List<PeerSetting> grid(int cores, String engine, boolean bf16, String filter) {
    return grid(cores, engine, bf16, false, filter);
  }

  /**
   * The grid of issues 12 and 24: PackBERT's stage at every precision the product has, the
   * hand-written ORT job on the fp32 .onnx and (with {@code quantized}) on the quantized copy,
   * Spark NLP BertEmbeddings at intra-op threads 1 / cores / 6 × batch 8 / 32, E5Embeddings at
   * batch 1 with 1 and 6 threads. {@code cores} is local[N]'s N; every task of the hand-written job
   * gets intra-op threads = cores per task (spark.task.cpus = 1). PackBERT's fp32 stage runs on
   * {@code engine}; each other precision on {@code engine} if it runs it, else on the first engine
   * that does ({@link Precision#requireEngine}), so a precision added to the product is one more
   * row without an edit here. bf16 only with {@code bf16} (a CPU where oneDNN's bf16 rewrite really
   * runs in bf16).
   */
  public static List<PeerSetting> grid(
      int cores, String engine, boolean bf16, boolean quantized, String filter) {
    List<PeerSetting> all = new ArrayList<>();
    all.add(new PeerSetting(Peer.PACKBERT_STAGE, 0, 0, engine, FP32, true));
    for (Precision p : Precision.values()) {
      if (p == Precision.FP32 || (p == Precision.BF16 && !bf16)) {
        continue;
      }
      EngineKind e = engineFor(p, EngineKind.parse(engine));
      if (e != null) {
        all.add(new PeerSetting(Peer.PACKBERT_STAGE, 0, 0, e.label(), p.label(), false));
      }
    }
    all.add(new PeerSetting(Peer.ORT_HANDWRITTEN, 1, 32, engine, FP32, false));
    if (quantized) {
      all.add(new PeerSetting(Peer.ORT_HANDWRITTEN_QUANTIZED, 1, 32, engine, "int8", false));
    }
    for (int threads : distinct(1, cores, SPARKNLP_DEFAULT_INTRA_OP)) {
      for (int batch : new int[] {SPARKNLP_DEFAULT_BATCH, 32}) {
        all.add(
            new PeerSetting(
                Peer.SPARKNLP_BERT,
                threads,
                batch,
                engine,
                FP32,
                threads == SPARKNLP_DEFAULT_INTRA_OP && batch == SPARKNLP_DEFAULT_BATCH));
      }
    }
    for (int threads : distinct(1, SPARKNLP_DEFAULT_INTRA_OP)) {
      all.add(
          new PeerSetting(
              Peer.SPARKNLP_E5,
              threads,
              SparkNlpPeer.E5_BATCH_SIZE,
              engine,
              FP32,
              threads == SPARKNLP_DEFAULT_INTRA_OP));
    }
    if (filter == null || filter.isBlank() || filter.equalsIgnoreCase("all")) {
      return all;
    }
    List<String> wanted = List.of(filter.toLowerCase(Locale.ROOT).split("\\s*,\\s*", -1));
    List<PeerSetting> out =
        all.stream().filter(p -> wanted.stream().anyMatch(w -> p.name().startsWith(w))).toList();
    if (out.isEmpty()) {
      throw new IllegalArgumentException(
          "--peer-settings '"
              + filter
              + "' matches none of "
              + all.stream().map(PeerSetting::name).toList());
    }
    return out;
  }

  /** {@code preferred} where it runs {@code p}, else the first engine that does; null if none. */
  static EngineKind engineFor(Precision p, EngineKind preferred) {
    List<EngineKind> order = new ArrayList<>(List.of(preferred));
    for (EngineKind e : EngineKind.values()) {
      if (e != preferred) {
        order.add(e);
      }
    }
    for (EngineKind e : order) {
      try {
        p.requireEngine(e);
        return e;
      } catch (IllegalArgumentException notThisOne) {
        // try the next engine
      }
    }
    return null;
  }

  private static int[] distinct(int... v) {
    return java.util.Arrays.stream(v).distinct().toArray();
  }
}
