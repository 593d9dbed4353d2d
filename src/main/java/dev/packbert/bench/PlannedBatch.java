package dev.packbert.bench;

import dev.packbert.model.PackedBatch;

/** A model batch and, per sentence of the batch, its index in the corpus (to restore input order). */
public record PlannedBatch(PackedBatch batch, int[] corpusIndex, long realTokens, long slots) {}
