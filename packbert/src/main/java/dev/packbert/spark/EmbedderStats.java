package dev.packbert.spark;

import java.io.Serializable;
import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * Counters of the embedding stage, as Spark accumulators read on the driver. Like every accumulator
 * updated inside a transformation, a retried task counts twice; the job's summary counts rows from
 * the written output instead and uses these for progress and timing.
 */
public final class EmbedderStats implements Serializable {
  public final LongAccumulator sentences;
  public final LongAccumulator failedSentences;
  public final LongAccumulator rows;
  public final LongAccumulator batches;
  public final LongAccumulator tokenSlotsFed;
  public final LongAccumulator graphNanos;

  public EmbedderStats(SparkContext sc) {
    sentences = sc.longAccumulator("packbert.embedder.sentences");
    failedSentences = sc.longAccumulator("packbert.embedder.failed_sentences");
    rows = sc.longAccumulator("packbert.embedder.rows");
    batches = sc.longAccumulator("packbert.embedder.batches");
    tokenSlotsFed = sc.longAccumulator("packbert.embedder.token_slots_fed");
    graphNanos = sc.longAccumulator("packbert.embedder.graph_nanos");
  }
}
