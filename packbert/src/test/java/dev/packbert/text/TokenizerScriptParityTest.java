package dev.packbert.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tokenizer equals HuggingFace tokenizers id for id on random strings of every script (Chinese,
 * Japanese, Korean, Thai, Arabic, Hebrew, Devanagari, Cyrillic, accented Latin, emoji, combining
 * marks, zero-width characters, and all of them mixed), each interleaved with whitespace,
 * punctuation and control characters, for the uncased English, the Chinese and the multilingual
 * cased vocabularies ({@link ParityVocabularies}): {@value #PER_SCRIPT} strings per script and
 * vocabulary, the same ones every run (fixed seed). The fuzz test TokenizerParityFuzzTest explores
 * further with JAZZER_FUZZ=1.
 */
class TokenizerScriptParityTest {
  static final int PER_SCRIPT = 1000;

  @Test
  void everyScriptMatchesHuggingFaceForEveryVocabulary(@TempDir Path dir) throws Exception {
    List<String> failures = new ArrayList<>();
    StringBuilder table =
        new StringBuilder("strings compared / mismatches, per vocabulary and script\n");
    for (ParityVocabularies v : ParityVocabularies.all(dir)) {
      try (v) {
        Map<String, int[]> counts = new LinkedHashMap<>();
        Random random = new Random(20261205);
        for (String script : ScriptStrings.names()) {
          int[] c = counts.computeIfAbsent(script, k -> new int[2]);
          for (int i = 0; i < PER_SCRIPT; i++) {
            String s = ScriptStrings.random(script, random, 24);
            int[] expected = HfReference.encode(v.hf(), s);
            int[] actual = v.ours().encode(s);
            c[0]++;
            if (!Arrays.equals(expected, actual)) {
              c[1]++;
              if (failures.size() < 3000) {
                failures.add(describe(v, script, s, expected, actual));
              }
            }
          }
        }
        int total = counts.values().stream().mapToInt(c -> c[0]).sum();
        int bad = counts.values().stream().mapToInt(c -> c[1]).sum();
        table.append(String.format("%s: %d strings, %d mismatches  ", v.name(), total, bad));
        table.append(
            counts.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()[1] + "/" + e.getValue()[0])
                .collect(Collectors.joining(", ")));
        table.append('\n');
      }
    }
    System.out.print(table);
    // the report shows the first few; target/ keeps them all for reading
    failures.stream().limit(10).forEach(System.out::println);
    java.nio.file.Files.write(Path.of("target/tokenizer-parity-mismatches.txt"), failures);
    assertEquals(List.of(), failures, "token ids differ from HuggingFace's");
  }

  static String describe(ParityVocabularies v, String script, String s, int[] hf, int[] ours) {
    return v.name()
        + " / "
        + script
        + ": "
        + escape(s)
        + "\n  hf:   "
        + tokens(v, hf)
        + "\n  ours: "
        + tokens(v, ours);
  }

  static String tokens(ParityVocabularies v, int[] ids) {
    Vocabulary vocab = v.ours().vocabulary();
    return Arrays.stream(ids).mapToObj(vocab::token).collect(Collectors.joining(" "));
  }

  /** The string with every non-ASCII-printable code point as U+XXXX, so the report shows it. */
  static String escape(String s) {
    StringBuilder sb = new StringBuilder();
    s.codePoints()
        .forEach(
            cp -> {
              if (cp >= 0x20 && cp < 0x7F) {
                sb.appendCodePoint(cp);
              } else {
                sb.append(String.format("<U+%04X %s>", cp, new String(Character.toChars(cp))));
              }
            });
    return sb.toString();
  }
}
