package dev.packbert.bench;

import dev.packbert.model.BertConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How fast any exact fp32 engine could embed the peer corpus on this machine: the corpus's useful
 * fp32 work ({@link FlopModel}: real tokens only, attention within each sentence only) divided by
 * TensorFlow's fp32 MatMul rate at the fastest of the model's own GEMM shapes. An engine that spent
 * no time outside its GEMMs and ran every GEMM at that rate would reach it; padding, softmax,
 * LayerNorm, Spark and the tokenizer only take away from it. Through-Spark targets above it cannot
 * be met in fp32 here.
 *
 * @param sentences sentences of the corpus
 * @param realTokens their WordPiece tokens with [CLS]/[SEP], each clipped to the bench's 128
 * @param usefulFlops the corpus's useful fp32 FLOPs
 * @param matmulFlopsPerSecond TF's fp32 MatMul rate at its fastest shape, sampled between the runs
 * @param matmulShape the shape of that MatMul, m×k·k×n
 */
public record Fp32Ceiling(
    int sentences,
    long realTokens,
    double usefulFlops,
    double matmulFlopsPerSecond,
    String matmulShape) {

  /**
   * The useful work of {@code sentences} (their ids as {@link BenchCorpus#tokenize} clips them) as
   * {@code c} computes them; {@code clsOnly} where only the [CLS] vector is kept (less work in the
   * last layer).
   */
  public static Fp32Ceiling of(
      int[][] sentences, BertConfig c, boolean clsOnly, double matmulRate, String shape) {
    FlopModel flops = new FlopModel(c);
    long tokens = 0;
    double work = 0;
    for (int[] ids : sentences) {
      tokens += ids.length;
      work += clsOnly ? flops.clsSentenceFlops(ids.length) : flops.sentenceFlops(ids.length);
    }
    return new Fp32Ceiling(sentences.length, tokens, work, matmulRate, shape);
  }

  /** Sentences per second at 100 % of the MatMul rate with nothing else to do. */
  public double sentencesPerSecond() {
    return matmulFlopsPerSecond / (usefulFlops / sentences);
  }

  /** A measured rate as a share of the ceiling: useful fp32 FLOP/s ÷ the MatMul rate. */
  public double share(double sentencesPerSecond) {
    return sentencesPerSecond / sentencesPerSecond();
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("sentences", sentences);
    m.put("real_tokens", realTokens);
    m.put("useful_gflop", usefulFlops / 1e9);
    m.put("tf_matmul_gflops", matmulFlopsPerSecond / 1e9);
    m.put("matmul_shape", matmulShape);
    m.put("fp32_ceiling_sentences_per_second", sentencesPerSecond());
    return m;
  }
}
