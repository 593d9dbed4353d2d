package dev.packbert.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.packbert.text.BertTokenizer;
import dev.packbert.text.Vocabulary;
import dev.packbert.weights.ModelRegistry;
import dev.packbert.weights.ModelVocabulary;

/**
 * The tokenizer on arbitrary strings (lone surrogates, controls, any plane): it never throws, the
 * ids start with [CLS], end with [SEP], and are all valid vocabulary ids — for an uncased and a
 * cased vocabulary.
 */
class TokenizerFuzzTest {
  private static final BertTokenizer UNCASED;
  private static final BertTokenizer CASED;

  static {
    ModelVocabulary v = ModelVocabulary.read(ModelRegistry.resolve("all-minilm-l6-v2"));
    Vocabulary vocab = Vocabulary.of(v.tokens());
    UNCASED = new BertTokenizer(vocab, true);
    CASED = new BertTokenizer(vocab, false);
  }

  @FuzzTest(maxDuration = "3m")
  void encode(FuzzedDataProvider data) {
    boolean lower = data.consumeBoolean();
    String text = data.consumeRemainingAsString();
    check(lower ? UNCASED : CASED, text);
  }

  @FuzzTest(maxDuration = "3m")
  void encodeRawUtf16(byte[] data) {
    // every char value, including unpaired surrogates, which consumeString does not produce
    char[] c = new char[data.length / 2];
    for (int i = 0; i < c.length; i++) {
      c[i] = (char) ((data[2 * i] & 0xff) << 8 | (data[2 * i + 1] & 0xff));
    }
    check(UNCASED, new String(c));
  }

  private static void check(BertTokenizer t, String text) {
    Vocabulary v = t.vocabulary();
    int[] ids = t.encode(text);
    assertTrue(ids.length >= 2, "at least [CLS] [SEP]");
    assertEquals(v.clsId(), ids[0], "starts with [CLS]");
    assertEquals(v.sepId(), ids[ids.length - 1], "ends with [SEP]");
    for (int i = 1; i < ids.length - 1; i++) {
      assertTrue(ids[i] >= 0 && ids[i] < v.size(), "id in range");
      assertTrue(
          (ids[i] != v.clsId() && ids[i] != v.sepId()) || text.contains(v.token(ids[i])),
          "[CLS]/[SEP] inside only when the text spells them");
    }
    assertEquals(ids.length - 2, t.tokenize(text).size());
  }
}
