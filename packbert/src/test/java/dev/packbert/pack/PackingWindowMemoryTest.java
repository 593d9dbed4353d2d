package dev.packbert.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Arrays;
import java.util.Iterator;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One partition of 1,000,000 sentences through the packer's per-partition function (the code a
 * SentencePacker task runs), fed from a generator and drained as it goes: the live heap after GC
 * must stay flat, because only one window (here 10,000 sentences) is ever buffered. Holding all
 * sentences needs ~700 MB (measured with the window set to 1M); the bound allowed is 64 MB above
 * the live heap before packing, sampled every 10,000 rows.
 */
class PackingWindowMemoryTest {
  private static final int SENTENCES = 1_000_000;
  private static final int WINDOW = 10_000;
  private static final int MAX_SEQ = 128;
  static SparkSession spark;

  @BeforeAll
  static void start() {
    // only for PackingStats' accumulators; the packing itself runs here, on the test thread
    spark =
        SparkSession.builder()
            .master("local[1]")
            .appName("PackingWindowMemoryTest")
            .config("spark.ui.enabled", "false")
            .getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static long liveHeapAfterGc(MemoryMXBean mx) {
    for (int i = 0; i < 2; i++) {
      System.gc();
    }
    return mx.getHeapMemoryUsage().getUsed();
  }

  @Test
  void millionSentencePartitionPacksInBoundedHeap() {
    PackingStats stats = PackingStats.register(spark.sparkContext());
    PartitionPacking.Columns cols = new PartitionPacking.Columns(0, 1, 2, 3, 4, 5, -1);
    PartitionPacking f =
        new PartitionPacking(
            cols,
            new WindowPacker(PackingAlgorithm.SPFHP, MAX_SEQ, 64, PackingScope.PARTITION),
            MAX_SEQ,
            WINDOW,
            OverLength.TRUNCATE,
            32,
            stats);
    Iterator<Row> input =
        new Iterator<>() {
          int next;

          @Override
          public boolean hasNext() {
            return next < SENTENCES;
          }

          @Override
          public Row next() {
            int i = next++;
            int n = 5 + (int) ((i * 7919L) % 60); // 5..64 tokens; every 50,000th is over-long
            if (i % 50_000 == 0) {
              n = 300;
            }
            Integer[] ids = new Integer[n];
            Arrays.fill(ids, 1000 + i % 20_000);
            ids[0] = 101;
            ids[n - 1] = 102;
            return RowFactory.create(
                "doc" + (i / 10),
                i % 10,
                0,
                40,
                "sentence number " + i + " of the partition",
                scala.collection.JavaConverters.asScalaBufferConverter(Arrays.asList(ids))
                    .asScala());
          }
        };
    MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
    long base = liveHeapAfterGc(mx);
    long max = 0;
    int samples = 0;
    long sentencesOut = 0;
    long rows = 0;
    Iterator<Row> out = f.call(input);
    while (out.hasNext()) {
      Row r = out.next();
      sentencesOut += ((Row[]) r.get(5)).length; // PartitionPacking.toRow: the row's sentence table
      if (++rows % 10_000 == 0) {
        max = Math.max(max, liveHeapAfterGc(mx));
        samples++;
      }
    }
    long end = liveHeapAfterGc(mx);
    System.out.printf(
        "PackingWindowMemoryTest: %,d sentences in %,d rows; live heap after GC: before %d MB, "
            + "max of %d samples while packing %d MB, end %d MB%n",
        sentencesOut, rows, base >> 20, samples, max >> 20, end >> 20);
    assertEquals(SENTENCES, sentencesOut, "every sentence packed exactly once");
    assertEquals(SENTENCES, stats.sentences());
    assertEquals(SENTENCES / 50_000, stats.truncated());
    // checked to fail with WINDOW = 1,000,000 (everything buffered): live heap then reaches ~750 MB
    assertTrue(
        max - base < (64L << 20), "live heap grew " + ((max - base) >> 20) + " MB while packing");
  }
}
