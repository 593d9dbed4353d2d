package dev.packbert.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.packbert.model.BertConfig;
import dev.packbert.text.BertTokenizer;
import dev.packbert.text.Vocabulary;
import java.util.List;
import org.junit.jupiter.api.Test;

class Fp32CeilingTest {
  private static final BertConfig TINY = new BertConfig(16, 8, 2, 2, 32, 512, 2, 1e-12f, "gelu");

  @Test
  void ceilingIsTheMatmulRateOverTheUsefulWorkPerSentence() {
    BertTokenizer tok =
        new BertTokenizer(
            Vocabulary.of(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "a", "b")), true);
    // 3 and 5 tokens with [CLS]/[SEP]; per layer and token 8·H² + 4·H·I = 512 + 1024, plus 4·n·H
    Fp32Ceiling c = Fp32Ceiling.of(List.of("a", "a b a"), tok, TINY, 1e9, "m×k·k×n");
    double work = 2 * (3 * 1536 + 4 * 3 * 3 * 8) + 2 * (5 * 1536 + 4 * 5 * 5 * 8);
    assertEquals(8, c.realTokens());
    assertEquals(work, c.usefulFlops(), 1e-9);
    assertEquals(1e9 / (work / 2), c.sentencesPerSecond(), 1e-6);
    assertEquals(0.5, c.share(c.sentencesPerSecond() / 2), 1e-12);
  }

  @Test
  void overLongSentencesCountAsTheBenchClipsThem() {
    BertTokenizer tok =
        new BertTokenizer(Vocabulary.of(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "a")), true);
    Fp32Ceiling c = Fp32Ceiling.of(List.of("a ".repeat(500)), tok, TINY, 1e9, "m×k·k×n");
    assertEquals(BenchCorpus.MAX_TOKENS, c.realTokens());
  }
}
