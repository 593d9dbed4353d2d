package dev.packbert.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.packbert.model.BertWeights;
import dev.packbert.model.EmbeddingEngine;
import dev.packbert.model.EngineKind;
import dev.packbert.model.EngineOptions;
import dev.packbert.model.PackedBatch;
import dev.packbert.model.Pooling;
import dev.packbert.model.SentenceVectors;
import dev.packbert.model.TinyBert;
import java.util.EnumSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The checks both engines share, before any graph runs. */
class LoadedEngineTest {
  @ParameterizedTest
  @EnumSource(EngineKind.class)
  void poolerOnAModelWithoutOneIsAClearError(EngineKind kind) {
    try (EmbeddingEngine e = open(TinyBert.weights(3, false), kind)) {
      IllegalArgumentException ex =
          assertThrows(
              IllegalArgumentException.class,
              () -> e.embed(PackedBatch.single(new int[] {2, 9, 3}), EnumSet.of(Pooling.POOLER)));
      assertTrue(ex.getMessage().contains("no pooler"), ex.getMessage());
    }
  }

  @ParameterizedTest
  @EnumSource(EngineKind.class)
  void batchOfNoSentencesGivesEmptyVectorsForEveryPooling(EngineKind kind) {
    PackedBatch none =
        new PackedBatch(
            1,
            4,
            new int[4],
            new int[4],
            new int[4],
            new int[4],
            null,
            new int[0],
            new int[0],
            new int[0]);
    try (EmbeddingEngine e = open(TinyBert.weights(3, true), kind)) {
      SentenceVectors v = e.embed(none, EnumSet.allOf(Pooling.class));
      for (Pooling p : Pooling.values()) {
        assertEquals(0, v.byPooling().get(p).length, p.name());
      }
    }
  }

  private static EmbeddingEngine open(BertWeights w, EngineKind kind) {
    return Engines.open(w, EngineOptions.cpu(1).withEngine(kind));
  }
}
