package dev.packbert.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.packbert.model.Pooling;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/**
 * Which pooling, normalization and length a run uses: the flag, else the config, else the model's
 * own, else plain BERT's (mean, off, 128); the model's maximum length only ever shortens the row.
 */
class ModelDefaultSettingsTest {

  private static EmbedSettings settings(String model, String... flags) {
    EmbedCommand c = new EmbedCommand();
    c.input = "in.txt";
    c.output = "out";
    c.model = model;
    for (int i = 0; i < flags.length; i += 2) {
      switch (flags[i]) {
        case "--pooling" -> c.pooling = flags[i + 1];
        case "--normalize" -> c.normalize = Boolean.valueOf(flags[i + 1]);
        case "--max-seq-length" -> c.maxSeqLength = Integer.valueOf(flags[i + 1]);
        default -> throw new IllegalArgumentException(flags[i]);
      }
    }
    return EmbedSettings.from(c, JobConfig.load(null));
  }

  @Test
  void namedModelsBringTheirPoolingAndNormalization() {
    EmbedSettings bge = settings("bge-small-en-v1.5");
    assertEquals(EnumSet.of(Pooling.CLS), bge.poolings());
    assertTrue(bge.normalize());
    assertEquals(128, bge.maxSeqLength(), "the model's 512 does not lengthen the rows");
    EmbedSettings e5 = settings("e5-small-v2");
    assertEquals(EnumSet.of(Pooling.MEAN), e5.poolings());
    assertTrue(e5.normalize());
    EmbedSettings bert = settings("bert-base-uncased");
    assertEquals(EnumSet.of(Pooling.MEAN), bert.poolings());
    assertFalse(bert.normalize());
    assertEquals(128, bert.maxSeqLength());
  }

  @Test
  void flagsOverrideTheModel() {
    EmbedSettings s =
        settings(
            "bge-small-en-v1.5",
            "--pooling",
            "mean,max",
            "--normalize",
            "false",
            "--max-seq-length",
            "512");
    assertEquals(EnumSet.of(Pooling.MEAN, Pooling.MAX), s.poolings());
    assertFalse(s.normalize());
    assertEquals(512, s.maxSeqLength());
    assertTrue(settings("bert-base-uncased", "--normalize", "true").normalize());
  }

  @Test
  void theCliDefaultIsAllMiniLm() {
    EmbedSettings s = settings(null);
    assertEquals("all-minilm-l6-v2", s.model());
    assertEquals(EnumSet.of(Pooling.MEAN), s.poolings());
    assertTrue(s.normalize());
    assertEquals("array", s.vectorType());
    assertEquals("", s.prefix());
  }
}
