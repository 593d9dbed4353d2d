package dev.packbert.bench;

import dev.packbert.engine.CpuFeatures;
import dev.packbert.model.Precision;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One way of turning sentences into model batches. Every variant sees the same token ids (clipped
 * to {@link BenchCorpus#MAX_TOKENS}), the same model and the same threads; only the batching
 * differs.
 */
public record Variant(
    String name,
    Kind kind,
    int rowLength,
    int batchSentences,
    int tokenBudget,
    Precision precision,
    int sampleEvery) {

  /** A variant that embeds every sentence. */
  public Variant(
      String name,
      Kind kind,
      int rowLength,
      int batchSentences,
      int tokenBudget,
      Precision precision) {
    this(name, kind, rowLength, batchSentences, tokenBudget, precision, 1);
  }

  /**
   * fixed-128 embeds every 4th sentence of each chunk: its work per sentence is one 128-slot row
   * whatever the sentence, so a quarter of the sentences gives the same rate, and the default run
   * stays under 20 minutes (fixed-128 on all 2,000 would be a third of it). Still alternated with
   * the others in every chunk.
   */
  public static final int FIXED_SAMPLE_EVERY = 4;

  public enum Kind {
    /** One sentence per row, every row padded to rowLength. */
    FIXED,
    /** Consecutive sentences in input order, each batch padded to its longest (Spark NLP). */
    DYNAMIC_INPUT,
    /** Sorted by length, batched, order restored (sentence-transformers encode()). */
    DYNAMIC_SORTED,
    /** SPFHP-packed rows, mask built in the graph from segment ids. */
    PACKED,
    /**
     * LPFHP-packed rows with narrow rows (the job's default): sentences that fit in half a row go
     * into half-width rows; mask built in the graph.
     */
    PACKED_LPFHP,
    /** LPFHP-packed rows, every row full width (the job with --no-narrow-rows). */
    PACKED_LPFHP_WIDE,
    /**
     * The same rows, the [L,L] mask built in Java by BlockDiagonalMask and fed (the UDF's path).
     */
    PACKED_UDF_MASK
  }

  /** Tokens per batch for the packed variants: 32 rows of 128, as the job's default budget. */
  public static final int TOKEN_BUDGET = 4096;

  /** Every variant; {@link #defaults()} leaves out those this machine cannot make meaningful. */
  public static List<Variant> all() {
    List<Variant> v = new ArrayList<>();
    v.add(new Variant("fixed-128", Kind.FIXED, 128, 32, 0, Precision.FP32, FIXED_SAMPLE_EVERY));
    v.add(new Variant("dynamic-input-order-8", Kind.DYNAMIC_INPUT, 128, 8, 0, Precision.FP32));
    v.add(new Variant("dynamic-input-order-32", Kind.DYNAMIC_INPUT, 128, 32, 0, Precision.FP32));
    v.add(new Variant("dynamic-sorted-32", Kind.DYNAMIC_SORTED, 128, 32, 0, Precision.FP32));
    // the job's default (packing = lpfhp, narrow rows, max-seq-length = 128): the headline row
    v.add(new Variant("packed-lpfhp-128", Kind.PACKED_LPFHP, 128, 0, TOKEN_BUDGET, Precision.FP32));
    v.add(
        new Variant(
            "packed-lpfhp-wide-128", Kind.PACKED_LPFHP_WIDE, 128, 0, TOKEN_BUDGET, Precision.FP32));
    for (int l : new int[] {128, 256, 512}) {
      v.add(new Variant("packed-spfhp-" + l, Kind.PACKED, l, 0, TOKEN_BUDGET, Precision.FP32));
    }
    v.add(
        new Variant(
            "packed-udf-mask-128", Kind.PACKED_UDF_MASK, 128, 0, TOKEN_BUDGET, Precision.FP32));
    v.add(new Variant("packed-bf16-128", Kind.PACKED, 128, 0, TOKEN_BUDGET, Precision.BF16));
    // int8 runs on ONNX Runtime whatever --engine says (the only engine with int8 kernels here)
    v.add(new Variant("packed-int8-128", Kind.PACKED_LPFHP, 128, 0, TOKEN_BUDGET, Precision.INT8));
    return v;
  }

  /**
   * All variants, less bf16 on a CPU without bf16 instructions: there oneDNN's rewrite leaves the
   * graph fp32, so the row would repeat packed-spfhp-128 at the cost of a whole variant's run time.
   */
  public static List<Variant> defaults() {
    List<Variant> v = all();
    if (!CpuFeatures.hasBf16()) {
      v.removeIf(x -> x.precision() == Precision.BF16);
    }
    return v;
  }

  /**
   * "default", "all", or the variants whose name matches one of the comma-separated filters (exact
   * name or prefix).
   */
  public static List<Variant> select(String filter) {
    if (filter == null || filter.isBlank() || filter.equalsIgnoreCase("default")) {
      return defaults();
    }
    if (filter.equalsIgnoreCase("all")) {
      return all();
    }
    List<String> wanted = List.of(filter.toLowerCase(Locale.ROOT).split("\\s*,\\s*"));
    List<Variant> out = new ArrayList<>();
    for (Variant v : all()) {
      if (wanted.stream().anyMatch(w -> !w.isEmpty() && v.name().startsWith(w))) {
        out.add(v);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(
          "--variants '"
              + filter
              + "' matches none of "
              + all().stream().map(Variant::name).toList());
    }
    return out;
  }

  /** The same variant embedding every sentence (--fixed-all). */
  public Variant unsampled() {
    return new Variant(name, kind, rowLength, batchSentences, tokenBudget, precision, 1);
  }

  /** Whether corpus sentence {@code index} is embedded by this variant. */
  public boolean embeds(int index) {
    return index % sampleEvery == 0;
  }

  public boolean packed() {
    return kind == Kind.PACKED
        || kind == Kind.PACKED_LPFHP
        || kind == Kind.PACKED_LPFHP_WIDE
        || kind == Kind.PACKED_UDF_MASK;
  }
}
