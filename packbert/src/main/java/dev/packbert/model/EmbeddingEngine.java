package dev.packbert.model;

import java.util.Set;

/**
 * A loaded BERT that embeds packed rows: every sentence's vector equals its vector run alone.
 * Implementations are thread-safe, so one engine serves every task of an executor.
 */
public interface EmbeddingEngine extends AutoCloseable {
  BertConfig config();

  boolean hasPooler();

  EngineOptions options();

  /** Runs the batch and returns, per requested pooling, one vector per sentence of the batch. */
  SentenceVectors embed(PackedBatch batch, Set<Pooling> poolings);

  /** The full [rows, length, hidden] token vectors, for callers that want token embeddings. */
  float[] tokenVectors(PackedBatch batch);

  /** Frees the native session; idempotent. */
  @Override
  void close();
}
