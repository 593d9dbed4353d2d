package dev.packbert.spark;

import dev.packbert.model.EmbeddingEngine;
import dev.packbert.model.EngineKind;
import dev.packbert.model.EngineOptions;
import dev.packbert.model.PackedBatch;
import dev.packbert.model.Pooling;
import dev.packbert.model.Precision;
import dev.packbert.model.SentenceVectors;
import dev.packbert.weights.ResolvedModel;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * The per-partition work of {@link BertEmbedder}: streams packed rows into token-budget batches,
 * runs the executor's shared engine, and unpacks one output row per sentence. A batch the engine
 * rejects is retried row by row; a row that still fails yields its sentences with null vectors and
 * the error, so nothing disappears.
 */
final class EmbedPartition implements MapPartitionsFunction<Row, Row> {
  private final ResolvedModel model;
  private final EnumSet<Pooling> poolings;
  private final int tokensPerBatch;
  private final Precision precision;
  private final String maskCol;
  private final int threads;
  private final EngineKind engineKind;
  private final boolean normalize;
  private final StructType inputSchema;
  private final EmbedderStats stats;

  EmbedPartition(
      ResolvedModel model,
      EnumSet<Pooling> poolings,
      int tokensPerBatch,
      Precision precision,
      String maskCol,
      int threads,
      EngineKind engineKind,
      boolean normalize,
      StructType inputSchema,
      EmbedderStats stats) {
    this.model = model;
    this.poolings = poolings;
    this.tokensPerBatch = tokensPerBatch;
    this.precision = precision;
    this.maskCol = maskCol;
    this.threads = threads;
    this.engineKind = engineKind;
    this.normalize = normalize;
    this.inputSchema = inputSchema;
    this.stats = stats;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    // TensorFlow: one pool per session serves all concurrent tasks (see ExecutorCores). ONNX
    // Runtime: each concurrent run parallelizes every op over the session's one pool, and its many
    // small elementwise ops then wait on each other's threads; runs on the caller's own thread
    // (intra-op = the task's cores) were faster through Spark (docs/BENCHMARKS.md)
    int cores =
        threads > 0
            ? threads
            : engineKind == EngineKind.ONNXRUNTIME ? ExecutorCores.perTask() : ExecutorCores.get();
    // A GPU is used when the TF native build and the executor have one; otherwise this is a CPU
    // session.
    EmbeddingEngine engine =
        ExecutorModels.get(model, new EngineOptions(cores, cores, precision, true, engineKind));
    PackedRowBatcher batcher = new PackedRowBatcher(inputSchema, maskCol);
    List<Pooling> order = List.copyOf(poolings);
    return new Iterator<>() {
      private final List<Row> pending = new ArrayList<>();
      private int next;
      // the row that would have pushed the last batch over its budget: it opens the next one
      private Row held;

      @Override
      public boolean hasNext() {
        while (next >= pending.size() && (held != null || input.hasNext())) {
          pending.clear();
          next = 0;
          embedNextBatch();
        }
        return next < pending.size();
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return pending.get(next++);
      }

      /**
       * Consecutive rows while rows × widest row stays within the budget. Narrow rows come grouped
       * from the packer, so a batch is mostly of one width; the first wide row after narrow ones
       * waits for the next batch rather than widening this one past the budget.
       */
      private void embedNextBatch() {
        List<Row> batch = new ArrayList<>();
        int width = 0;
        while (held != null || input.hasNext()) {
          Row r = held != null ? held : input.next();
          held = null;
          int w = Math.max(width, batcher.rowLength(r));
          if (!batch.isEmpty() && (long) (batch.size() + 1) * w > tokensPerBatch) {
            held = r;
            break;
          }
          batch.add(r);
          width = w;
          if ((long) (batch.size() + 1) * width > tokensPerBatch) {
            break;
          }
        }
        embed(batch, true);
      }

      private void embed(List<Row> rows, boolean mayRetry) {
        try {
          PackedBatch b = batcher.toBatch(rows);
          long t0 = System.nanoTime();
          SentenceVectors raw = engine.embed(b, poolings);
          stats.graphNanos.add(System.nanoTime() - t0);
          // after the engine, so whichever engine ran, normalization is the same arithmetic
          SentenceVectors v = normalize ? raw.normalized() : raw;
          stats.batches.add(1);
          stats.rows.add(rows.size());
          stats.tokenSlotsFed.add((long) b.rows * b.length);
          emit(rows, v, null);
        } catch (RuntimeException e) {
          if (mayRetry && rows.size() > 1) {
            for (Row r : rows) {
              embed(List.of(r), false);
            }
          } else {
            emit(
                rows,
                null,
                e.getClass().getSimpleName()
                    + ": "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
          }
        }
      }

      private void emit(List<Row> rows, SentenceVectors v, String error) {
        int s = 0;
        for (Row row : rows) {
          for (Row sentence : batcher.sentencesOf(row)) {
            Object[] out = new Object[sentence.size() + order.size() + 1];
            for (int i = 0; i < sentence.size(); i++) {
              out[i] = sentence.get(i);
            }
            for (int p = 0; p < order.size(); p++) {
              out[sentence.size() + p] = v == null ? null : v.vector(order.get(p), s);
            }
            out[out.length - 1] = error;
            pending.add(RowFactory.create(out));
            s++;
          }
        }
        (v == null ? stats.failedSentences : stats.sentences).add(s);
      }
    };
  }
}
