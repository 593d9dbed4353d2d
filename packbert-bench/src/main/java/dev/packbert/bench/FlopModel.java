package dev.packbert.bench;

import dev.packbert.model.BertConfig;

/**
 * Useful FLOPs of a BERT encoder on real tokens only (padding and cross-sentence attention pairs in
 * a packed row are waste, so they are not counted). One multiply-add = 2 FLOPs. For a sentence of n
 * tokens:
 *
 * <pre>
 *   per layer, per token:  dense   2·(4·H² + 2·H·I)     Q, K, V, output projections and the two FFN matmuls
 *                          attention 4·n·H             Q·Kᵀ (2·n·H) and softmax·V (2·n·H) over the sentence only
 *   sentence total:        layers · n · (8·H² + 4·H·I + 4·n·H)
 * </pre>
 *
 * The dense term is 2 × the non-embedding matmul parameters (biases, LayerNorm, GELU, softmax and
 * the embedding lookups are left out: under 1 % at BERT-base). BERT-base: 170 MFLOP per token +
 * 36.9 kFLOP·n.
 */
public final class FlopModel {
  private final BertConfig c;

  public FlopModel(BertConfig c) {
    this.c = c;
  }

  public double denseFlopsPerToken() {
    double h = c.hiddenSize();
    double i = c.intermediateSize();
    return c.numLayers() * (8 * h * h + 4 * h * i);
  }

  public double sentenceFlops(int n) {
    return n * denseFlopsPerToken() + (double) c.numLayers() * 4.0 * n * n * c.hiddenSize();
  }

  /**
   * The useful FLOPs when only the [CLS] vector is kept (cls or pooler pooling): in the last layer
   * every token still needs its key and value (4·H² each), but only [CLS] needs its query, output
   * projection and FFN (4·H² + 4·H·I), and attention has one query (4·n·H).
   */
  public double clsSentenceFlops(int n) {
    double h = c.hiddenSize();
    double i = c.intermediateSize();
    double allButLast = (c.numLayers() - 1) * (n * (8 * h * h + 4 * h * i) + 4.0 * n * n * h);
    return allButLast + n * 4 * h * h + 4 * h * h + 4 * h * i + 4.0 * n * h;
  }
}
