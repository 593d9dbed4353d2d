package dev.packbert.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every code point, one at a time, between letters and after a space ("a?b x?"), through our
 * tokenizer and HuggingFace's, for the three parity vocabularies: the check that found HF's Unicode
 * 8.0 categories ({@link HfUnicode}) and its CJK Extension E range. Planes 0-3 and 14 (every
 * assigned script, symbol, ideograph and tag) are compared in full, the unassigned and private-use
 * planes 4-13, 15 and 16 one code point in 61. Surrogates are left out: no UTF-8 text holds one.
 */
class TokenizerEveryCodePointTest {

  @Test
  void everyCodePointMatchesHuggingFaceForEveryVocabulary(@TempDir Path dir) throws Exception {
    List<String> failures = new ArrayList<>();
    StringBuilder report = new StringBuilder();
    for (ParityVocabularies v : ParityVocabularies.all(dir)) {
      try (v) {
        int compared = 0;
        int bad = 0;
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
          if (Character.getType(cp) == Character.SURROGATE || !inFullPlanes(cp) && cp % 61 != 0) {
            continue;
          }
          String c = new String(Character.toChars(cp));
          String s = "a" + c + "b x" + c;
          int[] expected = HfReference.encode(v.hf(), s);
          int[] actual = v.ours().encode(s);
          compared++;
          if (!Arrays.equals(expected, actual)) {
            bad++;
            if (failures.size() < 20) {
              failures.add(
                  TokenizerScriptParityTest.describe(v, "code point", s, expected, actual));
            }
          }
        }
        report.append(
            String.format("%s: %d code points, %d mismatches%n", v.name(), compared, bad));
      }
    }
    System.out.print(report);
    failures.forEach(System.out::println);
    assertEquals(List.of(), failures, "code points tokenized differently from HuggingFace");
  }

  private static boolean inFullPlanes(int cp) {
    int plane = cp >>> 16;
    return plane <= 3 || plane == 14;
  }
}
