package dev.packbert.pack;

import java.io.Serializable;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkContext;

/**
 * Packing counters, kept per (pass, partition) in one {@link PartitionCounters} accumulator so that
 * a partition computed more than once (task retries, lost executors, recomputed caches) counts
 * once: see {@link PartitionCounters}. Read them on the driver after an action over the packed
 * data.
 */
public final class PackingStats implements Serializable {
  private static final long serialVersionUID = 1L;

  private static final int SENTENCES = 0;
  private static final int ROWS = 1;
  private static final int REAL_TOKENS = 2;
  private static final int TOKEN_SLOTS = 3;
  private static final int TRUNCATED = 4;
  private static final int SPLIT_SENTENCES = 5;
  private static final int SPLIT_PIECES = 6;

  private final PartitionCounters counters = new PartitionCounters(7);
  private final AtomicLong passes = new AtomicLong();

  private PackingStats(SparkContext sc, String name) {
    counters.register(sc, name);
  }

  /** Registers a fresh set of counters, named "packing" in the Spark UI. */
  public static PackingStats register(SparkContext sc) {
    return new PackingStats(sc, "packing");
  }

  /** A new pass id, taken on the driver when a transform builds its packing function. */
  long newPass() {
    return passes.incrementAndGet();
  }

  void addSentence(long pass, int pieces, boolean wasTruncated) {
    counters.add(pass, SENTENCES, 1);
    if (wasTruncated) {
      counters.add(pass, TRUNCATED, 1);
    }
    if (pieces > 1) {
      counters.add(pass, SPLIT_SENTENCES, 1);
      counters.add(pass, SPLIT_PIECES, pieces);
    }
  }

  void addRow(long pass, int realTokenCount, int slots) {
    counters.add(pass, ROWS, 1);
    counters.add(pass, REAL_TOKENS, realTokenCount);
    counters.add(pass, TOKEN_SLOTS, slots);
  }

  public long sentences() {
    return counters.value()[SENTENCES];
  }

  public long rows() {
    return counters.value()[ROWS];
  }

  public long realTokens() {
    return counters.value()[REAL_TOKENS];
  }

  public long tokenSlots() {
    return counters.value()[TOKEN_SLOTS];
  }

  public long truncated() {
    return counters.value()[TRUNCATED];
  }

  /** Sentences that were cut into more than one piece. */
  public long splitSentences() {
    return counters.value()[SPLIT_SENTENCES];
  }

  /** Pieces produced by the split sentences (each split sentence counts all its pieces). */
  public long splitPieces() {
    return counters.value()[SPLIT_PIECES];
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
