package dev.packbert.bench;

import dev.packbert.model.Precision;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One way of turning sentences into model batches. Every variant sees the same token ids (clipped to
 * {@link BenchCorpus#MAX_TOKENS}), the same model and the same threads; only the batching differs.
 */
public record Variant(String name, Kind kind, int rowLength, int batchSentences, int tokenBudget, Precision precision) {

  public enum Kind {
    /** One sentence per row, every row padded to rowLength. */
    FIXED,
    /** Consecutive sentences in input order, each batch padded to its longest (Spark NLP). */
    DYNAMIC_INPUT,
    /** Sorted by length, batched, order restored (sentence-transformers encode()). */
    DYNAMIC_SORTED,
    /** SPFHP-packed rows, mask built in the graph from segment ids. */
    PACKED,
    /** The same rows, the [L,L] mask built in Java by BlockDiagonalMask and fed (the UDF's path). */
    PACKED_UDF_MASK
  }

  /** Tokens per batch for the packed variants: 32 rows of 128, as the job's default budget. */
  public static final int TOKEN_BUDGET = 4096;

  public static List<Variant> defaults() {
    List<Variant> v = new ArrayList<>();
    v.add(new Variant("fixed-128", Kind.FIXED, 128, 32, 0, Precision.FP32));
    v.add(new Variant("dynamic-input-order-8", Kind.DYNAMIC_INPUT, 128, 8, 0, Precision.FP32));
    v.add(new Variant("dynamic-input-order-32", Kind.DYNAMIC_INPUT, 128, 32, 0, Precision.FP32));
    v.add(new Variant("dynamic-sorted-32", Kind.DYNAMIC_SORTED, 128, 32, 0, Precision.FP32));
    for (int l : new int[] {128, 256, 512}) {
      v.add(new Variant("packed-spfhp-" + l, Kind.PACKED, l, 0, TOKEN_BUDGET, Precision.FP32));
    }
    v.add(new Variant("packed-udf-mask-128", Kind.PACKED_UDF_MASK, 128, 0, TOKEN_BUDGET, Precision.FP32));
    v.add(new Variant("packed-bf16-128", Kind.PACKED, 128, 0, TOKEN_BUDGET, Precision.BF16));
    return v;
  }

  /** The defaults whose name matches one of the comma-separated filters (exact name or prefix). */
  public static List<Variant> select(String filter) {
    if (filter == null || filter.isBlank() || filter.equalsIgnoreCase("all")) {
      return defaults();
    }
    List<String> wanted = List.of(filter.toLowerCase(Locale.ROOT).split("\\s*,\\s*"));
    List<Variant> out = new ArrayList<>();
    for (Variant v : defaults()) {
      if (wanted.stream().anyMatch(w -> !w.isEmpty() && v.name().startsWith(w))) {
        out.add(v);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("--variants '" + filter + "' matches none of "
          + defaults().stream().map(Variant::name).toList());
    }
    return out;
  }

  public boolean packed() {
    return kind == Kind.PACKED || kind == Kind.PACKED_UDF_MASK;
  }
}
