package dev.packbert.bench;

import dev.packbert.engine.LoadedEngine;
import dev.packbert.model.EmbeddingEngine;
import dev.packbert.model.PackedBatch;
import dev.packbert.model.Pooling;
import dev.packbert.model.Precision;
import dev.packbert.model.SentenceVectors;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * Runs the variants round-robin over chunks of the corpus: chunk 1 through every variant, then
 * chunk 2, and so on, with the starting variant rotated per chunk, so that drift (other users of
 * the machine, thermal state, JIT) lands on all variants alike. Timed: planning/packing, mask
 * building, the graph call (feeding + TF + fetching) and the scatter of vectors back into input
 * order. Tokenization is shared by all variants and timed once by the caller.
 */
public final class BenchRunner {
  private static final Set<Pooling> MEAN = EnumSet.of(Pooling.MEAN);

  private final Function<Precision, EmbeddingEngine> engines;
  private final FlopModel flops;
  private final int hidden;
  private final Runnable betweenRounds;

  /**
   * @param betweenRounds runs before every round of chunks (the MFU denominator samples the machine
   *     there)
   */
  public BenchRunner(
      Function<Precision, EmbeddingEngine> engines,
      FlopModel flops,
      int hidden,
      Runnable betweenRounds) {
    this.engines = engines;
    this.flops = flops;
    this.hidden = hidden;
    this.betweenRounds = betweenRounds;
  }

  /**
   * Mean vectors and times per variant, in the order given; sampled variants leave the rows they
   * skip at 0.
   */
  public record Outcome(Map<Variant, float[]> vectors, Map<Variant, VariantTimes> times) {}

  public Outcome run(List<Variant> variants, int[][] tokens, int chunkSize, ProgressSink progress) {
    int n = tokens.length;
    Map<Variant, float[]> vectors = new LinkedHashMap<>();
    Map<Variant, VariantTimes> times = new LinkedHashMap<>();
    for (Variant v : variants) {
      vectors.put(v, new float[n * hidden]);
      times.put(v, new VariantTimes());
    }
    warmUp(variants, tokens);
    int chunks = (n + chunkSize - 1) / chunkSize;
    for (int c = 0; c < chunks; c++) {
      int from = c * chunkSize;
      int to = Math.min(n, from + chunkSize);
      int[][] chunk = java.util.Arrays.copyOfRange(tokens, from, to);
      betweenRounds.run();
      for (int k = 0; k < variants.size(); k++) {
        Variant v = variants.get((c + k) % variants.size());
        runChunk(v, chunk, from, vectors.get(v), times.get(v));
        progress.chunkDone(v, c + 1, chunks, times.get(v));
      }
    }
    betweenRounds.run();
    return new Outcome(vectors, times);
  }

  /**
   * One untimed batch per variant so that graph set-up and first-shape costs are not billed to
   * whoever runs first.
   */
  private void warmUp(List<Variant> variants, int[][] tokens) {
    int[][] few = java.util.Arrays.copyOfRange(tokens, 0, Math.min(tokens.length, 16));
    for (Variant v : variants) {
      PlannedBatch b = BatchPlanner.plan(v, few).get(0);
      PackedBatch pb = BatchPlanner.fed(v, b.batch());
      engines.apply(v.precision()).embed(pb, MEAN);
    }
  }

  private void runChunk(Variant v, int[][] chunk, int first, float[] out, VariantTimes t) {
    EmbeddingEngine engine = engines.apply(v.precision());
    int[] corpusIndex = IntStream.range(first, first + chunk.length).filter(v::embeds).toArray();
    int[][] sentences =
        v.sampleEvery() == 1
            ? chunk
            : IntStream.of(corpusIndex).mapToObj(i -> chunk[i - first]).toArray(int[][]::new);
    long t0 = System.nanoTime();
    List<PlannedBatch> plan = BatchPlanner.plan(v, sentences);
    t.planNanos += System.nanoTime() - t0;
    for (PlannedBatch b : plan) {
      long m0 = System.nanoTime();
      PackedBatch pb = BatchPlanner.fed(v, b.batch());
      t.maskNanos += System.nanoTime() - m0;
      long g0 = System.nanoTime();
      SentenceVectors sv = engine.embed(pb, MEAN);
      long g1 = System.nanoTime();
      float[] mean = sv.byPooling().get(Pooling.MEAN);
      int[] idx = b.inputIndex();
      for (int s = 0; s < idx.length; s++) {
        System.arraycopy(mean, s * hidden, out, corpusIndex[idx[s]] * hidden, hidden);
      }
      t.unpackNanos += System.nanoTime() - g1;
      t.graphNanos += g1 - g0;
      t.realTokens += b.realTokens();
      t.slots += b.slots();
      t.sentences += idx.length;
      t.batches++;
      for (int len : pb.sentenceLength) {
        t.usefulFlops += flops.sentenceFlops(len);
      }
      t.peakRssMb = Math.max(t.peakRssMb, MemoryProbe.rssMb());
    }
  }

  /**
   * TensorFlow's own op timings for the variant's largest batch over {@code tokens}, summed by op
   * type: where the graph time goes (matmuls vs attention's elementwise work vs feeding).
   */
  public Map<String, Long> profile(Variant v, int[][] tokens) {
    PlannedBatch largest =
        BatchPlanner.plan(v, tokens).stream()
            .max(java.util.Comparator.comparingLong(PlannedBatch::slots))
            .orElseThrow();
    PackedBatch pb = BatchPlanner.fed(v, largest.batch());
    if (!(engines.apply(v.precision()) instanceof LoadedEngine engine)) {
      throw new IllegalArgumentException("--profile needs an engine with a profiler");
    }
    engine.embed(pb, MEAN); // first run of a new shape pays allocation and kernel selection
    return engine.profile(
        pb, java.util.EnumSet.of(dev.packbert.engine.BertSignature.Output.HIDDEN));
  }

  /** Each of the first {@code count} sentences alone in a batch of one: the reference. */
  public float[] singles(int[][] tokens, int count) {
    EmbeddingEngine engine = engines.apply(Precision.FP32);
    float[] out = new float[count * hidden];
    for (int i = 0; i < count; i++) {
      float[] v = engine.embed(PackedBatch.single(tokens[i]), MEAN).byPooling().get(Pooling.MEAN);
      System.arraycopy(v, 0, out, i * hidden, hidden);
    }
    return out;
  }

  /** Receives a line per finished (variant, chunk) so a long run shows it is alive. */
  public interface ProgressSink {
    void chunkDone(Variant v, int chunk, int chunks, VariantTimes soFar);

    static ProgressSink none() {
      return (v, c, n, t) -> {};
    }
  }

  static List<Variant> copy(List<Variant> v) {
    return new ArrayList<>(v);
  }
}
