package dev.packbert.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.packbert.engine.CpuFeatures;
import dev.packbert.model.EngineOptions;
import dev.packbert.model.Precision;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Floors on the quality {@code bench quality} reports, on {@link #SENTENCES} held-out europarl
 * sentences (the bench uses 2,000). The reference is independent of PackBERT: ONNX Runtime on the
 * model's own fp32 .onnx, each sentence alone. The peer is langchain4j's quantized copy of the same
 * model, run by ONNX Runtime in length-sorted batches of 32 as a user would.
 */
class QualityFloorsTest {
  static final int SENTENCES = 300;

  private static final Map<String, QualityBench> BENCH = new HashMap<>();
  private static final Map<String, EmbeddingQuality> PEER = new HashMap<>();

  private static synchronized QualityBench bench(String model) {
    return BENCH.computeIfAbsent(
        model, m -> new QualityBench(m, BenchCorpus.heldOut(SENTENCES), 2));
  }

  private static synchronized EmbeddingQuality peer(String model) {
    return PEER.computeIfAbsent(
        model,
        m -> {
          QualityBench b = bench(m);
          Path q = QuantizedCopies.onnx(m).orElseThrow();
          return EmbeddingQuality.of(b.reference(), b.ort(q, QualityBench.PEER_BATCH));
        });
  }

  private static EmbeddingQuality packbert(String model, Precision p) {
    QualityBench b = bench(model);
    List<EngineOptions> runs =
        QualityBench.packbertSettings(2).stream().filter(o -> o.precision() == p).toList();
    assertTrue(!runs.isEmpty(), "no engine runs " + p);
    EmbeddingQuality worst = null;
    for (EngineOptions o : runs) {
      EmbeddingQuality q = EmbeddingQuality.of(b.reference(), b.packbert(o));
      print(model, p.label() + " packed, " + o.engine().label(), q);
      if (worst == null || q.recallAtK() < worst.recallAtK() || q.minCosine() < worst.minCosine()) {
        worst = q;
      }
    }
    return worst;
  }

  @ParameterizedTest
  @ValueSource(strings = {"all-minilm-l6-v2", "bge-small-en-v1.5"})
  void fp32PackedKeepsEveryNeighbourOfOrtAlone(String model) {
    EmbeddingQuality q = packbert(model, Precision.FP32);
    assertEquals(SENTENCES, q.sentences());
    assertEquals(1.0, q.recallAtK(), 0, model);
    assertTrue(q.minCosine() >= 0.99999, model + ": " + q);
    assertTrue(q.spearman() >= 0.99999, model + ": " + q);
  }

  /**
   * Measured at 300 sentences (2 vCPU AMD EPYC with AVX512-BF16, 2026-12-05): MiniLM cosine min
   * 0.999902, mean 0.999958, Spearman 0.999954, recall@10 0.9907; bge-small 0.999890, 0.999945,
   * 0.999922, 0.9923. The floors sit a little below; recall@10 ≥ 0.98 is also issue 24's target.
   */
  @ParameterizedTest
  @ValueSource(strings = {"all-minilm-l6-v2", "bge-small-en-v1.5"})
  void bf16KeepsNearlyEveryNeighbour(String model) {
    assumeTrue(
        CpuFeatures.hasBf16(),
        "no bf16 instructions: TF emulates bf16 here (slow) or leaves it fp32");
    EmbeddingQuality q = packbert(model, Precision.BF16);
    assertTrue(q.minCosine() >= 0.9998, model + ": " + q);
    assertTrue(q.meanCosine() >= 0.9999, model + ": " + q);
    assertTrue(q.spearman() >= 0.9998, model + ": " + q);
    assertTrue(q.recallAtK() >= 0.98, model + ": " + q);
  }

  /**
   * The peer: langchain4j's quantized copy loses neighbours (MiniLM-q at 300 sentences: cosine min
   * 0.965, mean 0.9894, Spearman 0.9882, recall@10 0.885; bge-small-q 0.992, 0.9960, 0.9930, 0.898;
   * at 2,000 sentences recall@10 is 0.854 and 0.874). Floored loosely, so a broken run (wrong
   * pooling, wrong inputs) fails while its numbers stay what they are.
   */
  @ParameterizedTest
  @ValueSource(strings = {"all-minilm-l6-v2", "bge-small-en-v1.5"})
  void quantizedCopyIsThePeerReference(String model) {
    EmbeddingQuality q = peer(model);
    print(model, "langchain4j -q, ORT sorted batches of 32", q);
    assertTrue(q.minCosine() >= 0.9 && q.minCosine() < 0.9999, model + ": " + q);
    assertTrue(q.meanCosine() >= 0.98, model + ": " + q);
    assertTrue(q.spearman() >= 0.97, model + ": " + q);
    assertTrue(q.recallAtK() >= 0.75, model + ": " + q);
  }

  /**
   * PackBERT's int8 (per-token activation scales) keeps at least as many neighbours as the
   * quantized copy and a higher worst cosine. Runs once the product has an INT8 precision.
   */
  @ParameterizedTest
  @ValueSource(strings = {"all-minilm-l6-v2", "bge-small-en-v1.5"})
  void int8AtLeastAsGoodAsTheQuantizedCopy(String model) {
    Precision int8 =
        Arrays.stream(Precision.values())
            .filter(p -> p.label().equals("int8"))
            .findFirst()
            .orElse(null);
    assumeTrue(int8 != null, "the product has no int8 precision yet");
    EmbeddingQuality q = packbert(model, int8);
    EmbeddingQuality peer = peer(model);
    assertTrue(q.recallAtK() >= peer.recallAtK(), model + ": " + q + " vs the copy's " + peer);
    assertTrue(q.minCosine() >= peer.minCosine(), model + ": " + q + " vs the copy's " + peer);
    assertTrue(q.meanCosine() >= peer.meanCosine(), model + ": " + q + " vs the copy's " + peer);
  }

  private static void print(String model, String what, EmbeddingQuality q) {
    System.out.printf(
        Locale.ROOT,
        "quality %s %s: cosine min %.6f mean %.6f, Spearman %.6f, recall@10 %.4f (%d sentences)%n",
        model,
        what,
        q.minCosine(),
        q.meanCosine(),
        q.spearman(),
        q.recallAtK(),
        q.sentences());
  }
}
