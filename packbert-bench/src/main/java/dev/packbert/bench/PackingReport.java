package dev.packbert.bench;

import dev.packbert.pack.PackingAlgorithm;
import dev.packbert.pack.PackingScope;
import dev.packbert.pack.SentencePacker;
import dev.packbert.pack.SentencePiece;
import dev.packbert.pack.WindowPacker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Efficiency table for algorithm × maxSeqLength × scope on a file of sentence lengths (tokens with
 * [CLS]/[SEP], one integer per line; a blank line ends a document). Packs the way {@link
 * SentencePacker} does — truncate to maxSeqLength, windows of {@code window} sentences — without
 * Spark.
 *
 * <p>Usage: {@code PackingReport LENGTHS_FILE [window=10000] [maxSentencesPerRow=64]}
 */
public final class PackingReport {
  private PackingReport() {}

  /** One cell of the table. */
  public record Result(
      PackingAlgorithm algorithm,
      int maxSeqLength,
      PackingScope scope,
      long sentences,
      long rows,
      long realTokens,
      double nanosPerMillionSentences) {
    public double efficiency() {
      return rows == 0 ? Double.NaN : (double) realTokens / ((double) rows * maxSeqLength);
    }

    public double sentencesPerRow() {
      return rows == 0 ? Double.NaN : (double) sentences / rows;
    }
  }

  /** Documents of lengths from the file format described above. */
  public static List<int[]> readLengths(Path file) throws IOException {
    List<int[]> docs = new ArrayList<>();
    List<Integer> cur = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (line.isBlank()) {
        if (!cur.isEmpty()) {
          docs.add(cur.stream().mapToInt(Integer::intValue).toArray());
          cur.clear();
        }
      } else {
        cur.add(Integer.parseInt(line.trim()));
      }
    }
    if (!cur.isEmpty()) {
      docs.add(cur.stream().mapToInt(Integer::intValue).toArray());
    }
    return docs;
  }

  public static Result measure(
      List<int[]> docs,
      PackingAlgorithm algorithm,
      int maxSeqLength,
      PackingScope scope,
      int window,
      int maxSentencesPerRow) {
    List<SentencePiece> pieces = new ArrayList<>();
    for (int d = 0; d < docs.size(); d++) {
      String doc = Integer.toString(d);
      for (int s = 0; s < docs.get(d).length; s++) {
        int len = Math.min(docs.get(d)[s], maxSeqLength); // truncation keeps maxSeqLength tokens
        pieces.add(SentencePiece.whole(doc, s, 0, 0, null, new int[len]));
      }
    }
    WindowPacker packer = new WindowPacker(algorithm, maxSeqLength, maxSentencesPerRow, scope);
    long rows = 0;
    long real = 0;
    long best = Long.MAX_VALUE;
    // the fastest of a few runs: the first pays for JIT warm-up
    for (int rep = 0; rep < 3; rep++) {
      rows = 0;
      real = 0;
      long t0 = System.nanoTime();
      for (int from = 0; from < pieces.size(); from += window) {
        for (List<SentencePiece> row :
            packer.pack(pieces.subList(from, Math.min(pieces.size(), from + window)))) {
          rows++;
          for (SentencePiece p : row) {
            real += p.length();
          }
        }
      }
      best = Math.min(best, System.nanoTime() - t0);
    }
    double perMillion = pieces.isEmpty() ? 0 : best * 1e6 / pieces.size();
    return new Result(algorithm, maxSeqLength, scope, pieces.size(), rows, real, perMillion);
  }

  public static List<Result> table(List<int[]> docs, int window, int maxSentencesPerRow) {
    List<Result> out = new ArrayList<>();
    for (PackingScope scope : new PackingScope[] {PackingScope.PARTITION, PackingScope.DOCUMENT}) {
      for (int len : new int[] {128, 256, 512}) {
        for (PackingAlgorithm a : PackingAlgorithm.values()) {
          out.add(measure(docs, a, len, scope, window, maxSentencesPerRow));
        }
      }
    }
    return out;
  }

  public static String format(List<Result> results) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "| %-9s | %-6s | %-9s | %10s | %8s | %12s | %13s |%n",
            "scope",
            "maxLen",
            "algorithm",
            "rows",
            "eff. %",
            "sent./row",
            "s per 1M sent."));
    sb.append(
        "|-----------|--------|-----------|------------|----------|--------------|----------------|\n");
    for (Result r : results) {
      sb.append(
          String.format(
              Locale.ROOT,
              "| %-9s | %6d | %-9s | %10d | %8.2f | %12.2f | %14.3f |%n",
              r.scope().paramValue(),
              r.maxSeqLength(),
              r.algorithm().paramValue(),
              r.rows(),
              100 * r.efficiency(),
              r.sentencesPerRow(),
              r.nanosPerMillionSentences() / 1e9));
    }
    return sb.toString();
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println(
          "usage: PackingReport LENGTHS_FILE [window=10000] [maxSentencesPerRow=64]");
      System.exit(2);
    }
    List<int[]> docs = readLengths(Path.of(args[0]));
    int window = args.length > 1 ? Integer.parseInt(args[1]) : 10000;
    int perRow = args.length > 2 ? Integer.parseInt(args[2]) : 64;
    long n = docs.stream().mapToLong(d -> d.length).sum();
    System.out.printf(
        Locale.ROOT,
        "%d sentences in %d documents, window %d, at most %d sentences per row%n",
        n,
        docs.size(),
        window,
        perRow);
    System.out.print(format(table(docs, window, perRow)));
  }
}
