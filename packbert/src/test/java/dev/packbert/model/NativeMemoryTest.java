package dev.packbert.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.packbert.engine.tensorflow.TensorFlowEngine;
import dev.packbert.weights.ModelLoader;
import dev.packbert.weights.ModelRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Native memory of a long-lived engine: ≥ 500 small batches of varying shape (so TF sees many input
 * shapes), half of them with an explicit mask, through one all-minilm-l6-v2 TensorFlowEngine; the
 * process's resident set (VmRSS) after warm-up (batch 10) and at the end must not grow by more than
 * a generous bound. A leak of the per-batch tensors (~tens of KB each) would show as megabytes per
 * hundred batches.
 */
class NativeMemoryTest {
  private static final int BATCHES = 600;
  private static final long MAX_GROWTH_MB = 150;

  static long rssKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }

  /**
   * rows × length, each row holding two sentences and some padding; ids from the vocabulary's body.
   */
  static PackedBatch batch(Random r, boolean explicitMask) {
    int rows = 1 + r.nextInt(4);
    int length = 16 + 8 * r.nextInt(5);
    int n = rows * length;
    int[] ids = new int[n];
    int[] types = new int[n];
    int[] pos = new int[n];
    int[] seg = new int[n];
    int[] sRow = new int[2 * rows];
    int[] sOff = new int[2 * rows];
    int[] sLen = new int[2 * rows];
    float[] mask = explicitMask ? new float[n * length] : null;
    for (int row = 0; row < rows; row++) {
      int a = 2 + r.nextInt(length / 2 - 2);
      int b = 2 + r.nextInt(length - a - 2 + 1);
      int[][] spans = {{0, a}, {a, b}};
      for (int k = 0; k < 2; k++) {
        int s = 2 * row + k;
        sRow[s] = row;
        sOff[s] = spans[k][0];
        sLen[s] = spans[k][1];
        for (int i = 0; i < spans[k][1]; i++) {
          int t = row * length + spans[k][0] + i;
          ids[t] = i == 0 ? 101 : i == spans[k][1] - 1 ? 102 : 1000 + r.nextInt(29000);
          pos[t] = i;
          seg[t] = k + 1;
          if (mask != null) {
            for (int j = 0; j < spans[k][1]; j++) {
              mask[(row * length + spans[k][0] + i) * length + spans[k][0] + j] = 1f;
            }
          }
        }
      }
    }
    return new PackedBatch(rows, length, ids, types, pos, seg, mask, sRow, sOff, sLen);
  }

  @Test
  void residentSetStaysFlatOverManyBatches() throws IOException {
    BertWeights w = ModelLoader.weights(ModelRegistry.resolve("all-minilm-l6-v2"));
    Random r = new Random(42);
    long rss10 = 0;
    long rss0 = rssKb();
    long peak = 0;
    try (TensorFlowEngine engine = new TensorFlowEngine(w, EngineOptions.cpu(2))) {
      for (int i = 1; i <= BATCHES; i++) {
        PackedBatch b = batch(r, i % 2 == 0);
        SentenceVectors v = engine.embed(b, EnumSet.of(Pooling.MEAN, Pooling.CLS));
        assertEquals(b.sentences(), v.sentences());
        if (i == 10 || i % 100 == 0) {
          System.gc();
          long rss = rssKb();
          peak = Math.max(peak, rss);
          if (i == 10) {
            rss10 = rss;
          }
          System.out.printf("NativeMemoryTest: batch %d  VmRSS %d MB%n", i, rss / 1024);
        }
      }
      long end = rssKb();
      System.out.printf(
          "NativeMemoryTest: before engine %d MB, batch 10 %d MB, batch %d %d MB, growth %+d MB%n",
          rss0 / 1024, rss10 / 1024, BATCHES, end / 1024, (end - rss10) / 1024);
      assertTrue(
          end - rss10 < MAX_GROWTH_MB * 1024,
          "VmRSS grew " + (end - rss10) / 1024 + " MB between batch 10 and batch " + BATCHES);
    }
  }
}
