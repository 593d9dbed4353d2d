package dev.packbert.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.packbert.model.BertConfig;
import dev.packbert.text.Vocabulary;
import java.util.List;
import org.junit.jupiter.api.Test;

class Fp32CeilingTest {
  private static final BertConfig TINY = new BertConfig(16, 8, 2, 2, 32, 512, 2, 1e-12f, "gelu");

  @Test
  void ceilingIsTheMatmulRateOverTheUsefulWorkPerSentence() {
    Vocabulary vocab = Vocabulary.of(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "a", "b"));
    // 3 and 5 tokens with [CLS]/[SEP]; per layer and token 8·H² + 4·H·I = 512 + 1024, plus 4·n·H
    int[][] ids = BenchCorpus.tokenize(List.of("a", "a b a"), vocab, true);
    Fp32Ceiling c = Fp32Ceiling.of(ids, TINY, false, 1e9, "m×k·k×n");
    double work = 2 * (3 * 1536 + 4 * 3 * 3 * 8) + 2 * (5 * 1536 + 4 * 5 * 5 * 8);
    assertEquals(8, c.realTokens());
    assertEquals(work, c.usefulFlops(), 1e-9);
    assertEquals(1e9 / (work / 2), c.sentencesPerSecond(), 1e-6);
    assertEquals(0.5, c.share(c.sentencesPerSecond() / 2), 1e-12);
  }

  @Test
  void overLongSentencesCountAsTheBenchClipsThem() {
    Vocabulary vocab = Vocabulary.of(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "a"));
    int[][] ids = BenchCorpus.tokenize(List.of("a ".repeat(500)), vocab, true);
    Fp32Ceiling c = Fp32Ceiling.of(ids, TINY, false, 1e9, "m×k·k×n");
    assertEquals(BenchCorpus.MAX_TOKENS, c.realTokens());
  }

  @Test
  void keepingOnlyClsLeavesTheLastLayerTheKeysAndValuesOfEveryToken() {
    FlopModel f = new FlopModel(TINY);
    // 2 layers, H = 8, I = 32, n = 5: layer 0 in full; layer 1: K, V for 5 tokens (5·4·64), Q and
    // output projection (4·64) and FFN (4·8·32) for [CLS], attention for one query (4·5·8)
    double full0 = 5 * 1536 + 4 * 5 * 5 * 8;
    assertEquals(full0 + 5 * 256 + 256 + 1024 + 160, f.clsSentenceFlops(5), 1e-9);
    assertEquals(2 * full0, f.sentenceFlops(5), 1e-9);
  }
}
