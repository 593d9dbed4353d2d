package dev.packbert.pack;

import java.io.Serializable;
import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * Packing counters as Spark accumulators, summed over all tasks. Like every accumulator updated
 * inside a transformation, they count each time a partition is computed: read them after exactly
 * one action over the packed data (cache it if it is used twice), or they will over-count.
 */
public final class PackingStats implements Serializable {
  private static final long serialVersionUID = 1L;

  private final LongAccumulator sentences;
  private final LongAccumulator rows;
  private final LongAccumulator realTokens;
  private final LongAccumulator tokenSlots;
  private final LongAccumulator truncated;
  private final LongAccumulator splitSentences;
  private final LongAccumulator splitPieces;

  private PackingStats(SparkContext sc, String prefix) {
    sentences = sc.longAccumulator(prefix + "sentences");
    rows = sc.longAccumulator(prefix + "rows");
    realTokens = sc.longAccumulator(prefix + "realTokens");
    tokenSlots = sc.longAccumulator(prefix + "tokenSlots");
    truncated = sc.longAccumulator(prefix + "truncated");
    splitSentences = sc.longAccumulator(prefix + "splitSentences");
    splitPieces = sc.longAccumulator(prefix + "splitPieces");
  }

  /** Registers a fresh set of counters, named "packing.*" in the Spark UI. */
  public static PackingStats register(SparkContext sc) {
    return new PackingStats(sc, "packing.");
  }

  void addSentence(int pieces, boolean wasTruncated) {
    sentences.add(1);
    if (wasTruncated) {
      truncated.add(1);
    }
    if (pieces > 1) {
      splitSentences.add(1);
      splitPieces.add(pieces);
    }
  }

  void addRow(int realTokenCount, int slots) {
    rows.add(1);
    realTokens.add(realTokenCount);
    tokenSlots.add(slots);
  }

  public long sentences() {
    return sentences.value();
  }

  public long rows() {
    return rows.value();
  }

  public long realTokens() {
    return realTokens.value();
  }

  public long tokenSlots() {
    return tokenSlots.value();
  }

  public long truncated() {
    return truncated.value();
  }

  /** Sentences that were cut into more than one piece. */
  public long splitSentences() {
    return splitSentences.value();
  }

  /** Pieces produced by the split sentences (each split sentence counts all its pieces). */
  public long splitPieces() {
    return splitPieces.value();
  }

  /** Real tokens / token slots; NaN before any row. */
  public double efficiency() {
    long slots = tokenSlots();
    return slots == 0 ? Double.NaN : (double) realTokens() / slots;
  }

  @Override
  public String toString() {
    return String.format(
        "PackingStats{sentences=%d, rows=%d, realTokens=%d, tokenSlots=%d, efficiency=%.4f,"
            + " truncated=%d, splitSentences=%d, splitPieces=%d}",
        sentences(),
        rows(),
        realTokens(),
        tokenSlots(),
        efficiency(),
        truncated(),
        splitSentences(),
        splitPieces());
  }
}
