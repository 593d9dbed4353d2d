package dev.packbert.bench;

import dev.packbert.model.PackedBatch;

/**
 * A model batch and, per sentence of the batch, its index in the planned token array (to restore
 * input order).
 */
// Carries primitive arrays to hot loops; never compared or hashed.
@SuppressWarnings("ArrayRecordComponent")
public record PlannedBatch(PackedBatch batch, int[] inputIndex, long realTokens, long slots) {}
