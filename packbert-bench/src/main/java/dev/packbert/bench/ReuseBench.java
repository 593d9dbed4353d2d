package dev.packbert.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.packbert.engine.CpuFeatures;
import dev.packbert.job.PackBertCli;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Issue 25's benchmarks ({@code bench reuse}): the job in-process ({@link PackBertCli#execute},
 * local[N]) on (a) europarl documents with repeated boilerplate lines making 30 % of sentences,
 * dedupe on vs {@code --no-dedupe} in alternated rounds, and the same on the documents as they are
 * (their natural repeats: the overhead of dedupe); (b) the next day: day 1 = N documents, day 2 =
 * day 1 with 1 % of documents changed (one sentence edited) and 1 % added, run with {@code --reuse}
 * day 1's output.
 */
public final class ReuseBench {
  /** Lines every document of the boilerplate corpus may carry (disclaimers, headers, formulae). */
  static final List<String> BOILERPLATE =
      List.of(
          "This document is a provisional version and may be subject to change.",
          "The debate is closed.",
          "The vote will take place tomorrow at 12 noon.",
          "Confidential: for the intended recipient only.",
          "Please consider the environment before printing this page.",
          "(The sitting was suspended.)");

  /** Boilerplate lines per original sentence: 3 in 7, so they are 3/10 of all sentences. */
  static final int BOILER_PER = 3;

  static final int BOILER_OF = 7;

  /**
   * {@code withinDocuments}: 0 for the within-run corpora made of the sample's own documents (at
   * most {@code documents}), or that many synthetic documents of distinct text ({@link
   * #nextDayCorpus}), so that the within-run gain and overhead are measured at a size where the
   * job's fixed start-up does not hide them. {@code nextDay}: run part (b).
   */
  public record Settings(
      int documents,
      int rounds,
      String model,
      int threads,
      Path out,
      int withinDocuments,
      boolean nextDay) {}

  private final Settings s;
  private final PrintStream log;

  public ReuseBench(Settings s, PrintStream log) {
    this.s = s;
    this.log = log;
  }

  /** One run: what the table shows. */
  record Run(
      String bench,
      String mode,
      int round,
      long documents,
      long units,
      long distinctUnits,
      long reusedUnits,
      long embeddedUnits,
      long embeddedTokens,
      double jobWallS,
      double cliWallS) {
    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("bench", bench);
      m.put("mode", mode);
      m.put("round", round);
      m.put("documents", documents);
      m.put("units", units);
      m.put("distinct_units", distinctUnits);
      m.put("reused_units", reusedUnits);
      m.put("embedded_units", embeddedUnits);
      m.put("embedded_tokens", embeddedTokens);
      m.put("job_wall_s", jobWallS);
      m.put("cli_wall_s", cliWallS);
      return m;
    }
  }

  public String run() throws IOException {
    Files.createDirectories(s.out());
    String loadBefore = PeerBench.loadAverage();
    List<List<String>> sample = sampleDocuments();
    List<String> pool = new ArrayList<>();
    sample.forEach(pool::addAll);
    List<List<String>> natural =
        s.withinDocuments() > 0
            ? nextDayCorpus(pool, s.withinDocuments(), false)
            : sample.subList(0, Math.min(s.documents(), sample.size()));
    List<Run> runs = new ArrayList<>();
    // the JVM's first job runs cold (class loading, JIT, the model's first session): a warm-up job
    // outside the table, so that no measured run pays for it
    Path warm = writeJsonl("warm-up", sample.subList(0, Math.min(100, sample.size())));
    embed("warm-up", warm, true, 0, List.of(), true);
    Files.deleteIfExists(warm);
    // (a) within a run: each corpus's two modes in A-B-B-A order over its rounds, the corpora in
    // opposite orders, so that a drift in the machine's speed weighs on both modes alike
    Path boiler = writeJsonl("boilerplate", withBoilerplate(natural));
    Path plain = writeJsonl("natural", natural);
    for (int r = 1; r <= s.rounds(); r++) {
      boolean first = r % 2 == 1;
      for (boolean dedupe : new boolean[] {first, !first}) {
        runs.add(embed("repeats-30%", boiler, dedupe, r, List.of(), true));
      }
      for (boolean dedupe : new boolean[] {!first, first}) {
        runs.add(embed("natural", plain, dedupe, r, List.of(), true));
      }
    }
    Files.deleteIfExists(boiler);
    Files.deleteIfExists(plain);
    // (b) the next day
    if (s.nextDay()) {
      Path day1 = writeJsonl("day1", nextDayCorpus(pool, s.documents(), false));
      Path day2 = writeJsonl("day2", nextDayCorpus(pool, s.documents(), true));
      Run d1 = embed("next-day", day1, true, 1, List.of(), false);
      d1 = rename(d1, "day 1");
      Run d2 =
          embed("next-day", day2, true, 1, List.of(output("next-day", true, 1).toString()), true);
      d2 = rename(d2, "day 2 --reuse day 1");
      runs.add(d1);
      runs.add(d2);
      deleteTree(output("next-day", true, 1));
      Files.deleteIfExists(day1);
      Files.deleteIfExists(day2);
    }
    String md = table(runs, loadBefore, PeerBench.loadAverage());
    ObjectNode json = new ObjectMapper().createObjectNode();
    json.put("load_before", loadBefore);
    json.put("load_after", PeerBench.loadAverage());
    json.put("cpu", CpuFeatures.summary());
    json.set("runs", new ObjectMapper().valueToTree(runs.stream().map(Run::toMap).toList()));
    new ObjectMapper()
        .writerWithDefaultPrettyPrinter()
        .writeValue(s.out().resolve("reuse.json").toFile(), json);
    Files.writeString(s.out().resolve("reuse.md"), md);
    return md;
  }

  private static Run rename(Run r, String mode) {
    return new Run(
        r.bench(),
        mode,
        r.round(),
        r.documents(),
        r.units(),
        r.distinctUnits(),
        r.reusedUnits(),
        r.embeddedUnits(),
        r.embeddedTokens(),
        r.jobWallS(),
        r.cliWallS());
  }

  private Path output(String bench, boolean dedupe, int round) {
    return s.out()
        .resolve(
            "out-" + bench.replace("%", "") + "-" + (dedupe ? "dedupe" : "nodedupe") + "-" + round);
  }

  private Run embed(
      String bench, Path input, boolean dedupe, int round, List<String> reuse, boolean delete)
      throws IOException {
    Path output = output(bench, dedupe, round);
    if (!reuse.isEmpty()) {
      output = s.out().resolve("out-" + bench + "-day2");
    }
    deleteTree(output);
    List<String> args =
        new ArrayList<>(
            List.of(
                "embed",
                "--input",
                input.toString(),
                "--input-format",
                "jsonl",
                "--id-col",
                "id",
                "--text-col",
                "text",
                "--output",
                output.toString(),
                "--model",
                s.model(),
                "--master",
                "local[" + s.threads() + "]"));
    args.add(dedupe ? "--dedupe" : "--no-dedupe");
    if (!reuse.isEmpty()) {
      args.add("--reuse");
      args.addAll(reuse);
    }
    // the CLI prints its summary on stdout; the bench's stdout is its table
    PrintStream stdout = System.out;
    System.setOut(System.err);
    long t0 = System.nanoTime();
    int rc;
    try {
      rc = PackBertCli.execute(args.toArray(String[]::new));
    } finally {
      System.setOut(stdout);
    }
    double cli = (System.nanoTime() - t0) / 1e9;
    Path summary = output.resolve("_packbert_summary.json");
    if (rc != 0 || !Files.exists(summary)) {
      throw new IOException("bench reuse: " + bench + " run failed (exit " + rc + "): " + args);
    }
    JsonNode j = new ObjectMapper().readTree(summary.toFile());
    Run r =
        new Run(
            bench,
            dedupe ? "dedupe" : "--no-dedupe",
            round,
            j.path("documents").asLong(),
            j.path("units").asLong(),
            j.path("distinct_units").asLong(),
            j.path("reused_units").asLong(),
            j.path("embedded_units").asLong(),
            // the packer's real tokens: what was embedded, each distinct unit once with dedupe
            j.path("tokens").asLong(),
            j.path("wall_seconds").asDouble(),
            cli);
    log.printf(Locale.ROOT, "bench: reuse %s%n", r.toMap());
    if (delete) {
      deleteTree(output);
    }
    return r;
  }

  /** The sample's English documents, each as its sentences. */
  static List<List<String>> sampleDocuments() {
    try {
      List<List<String>> out = new ArrayList<>();
      for (String[] d : EuroparlSample.englishDocuments(Integer.MAX_VALUE)) {
        List<String> sentences = breakSentences(d[1]);
        if (!sentences.isEmpty()) {
          out.add(sentences);
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The documents with a boilerplate line after some sentences: 3 of every 10 sentences. */
  static List<List<String>> withBoilerplate(List<List<String>> docs) {
    List<List<String>> out = new ArrayList<>();
    long j = 0;
    for (List<String> d : docs) {
      List<String> doc = new ArrayList<>();
      for (String t : d) {
        doc.add(t);
        long add = (j + 1) * BOILER_PER / BOILER_OF - j * BOILER_PER / BOILER_OF;
        for (long k = 0; k < add; k++) {
          doc.add(BOILERPLATE.get((int) ((j + k) % BOILERPLATE.size())));
        }
        j++;
      }
      out.add(doc);
    }
    return out;
  }

  /** Sentences per synthetic next-day document. */
  static final int SENTENCES_PER_DOC = 4;

  /**
   * Day 1: {@code n} documents of {@link #SENTENCES_PER_DOC} europarl sentences each, every
   * sentence led by its own reference ("[i.k]") so that the documents are distinct text, as a
   * growing corpus is. Day 2 ({@code nextDay}): the same, with every 100th document's second
   * sentence edited and n/100 documents added after the last.
   */
  static List<List<String>> nextDayCorpus(List<String> pool, int n, boolean nextDay) {
    int total = nextDay ? n + n / 100 : n;
    List<List<String>> out = new ArrayList<>(total);
    for (int i = 0; i < total; i++) {
      List<String> doc = new ArrayList<>(SENTENCES_PER_DOC);
      for (int k = 0; k < SENTENCES_PER_DOC; k++) {
        String t = pool.get((int) (((long) i * SENTENCES_PER_DOC + k) % pool.size()));
        if (nextDay && i < n && i % 100 == 0 && k == 1) {
          t = "(amended) " + t;
        }
        doc.add("[" + i + "." + k + "] " + t);
      }
      out.add(doc);
    }
    return out;
  }

  private Path writeJsonl(String name, List<List<String>> docs) throws IOException {
    Path p = s.out().resolve(name + ".jsonl");
    ObjectMapper m = new ObjectMapper();
    try (BufferedWriter w = Files.newBufferedWriter(p, StandardCharsets.UTF_8)) {
      for (int i = 0; i < docs.size(); i++) {
        ObjectNode o = m.createObjectNode();
        o.put("id", "d" + i);
        o.put("text", String.join(" ", docs.get(i)));
        w.write(m.writeValueAsString(o));
        w.newLine();
      }
    }
    return p;
  }

  static String table(List<Run> runs, String loadBefore, String loadAfter) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "# bench reuse%n%nCPU: %s; load average before %s, after %s%n%n",
            CpuFeatures.summary(),
            loadBefore,
            loadAfter));
    b.append(
        "| bench | mode | round | documents | units | distinct_units | reused_units | embedded_units"
            + " | embedded tokens | job wall s | CLI wall s |\n");
    b.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Run r : runs) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %d | %,d | %,d | %s | %,d | %,d | %,d | %.1f | %.1f |%n",
              r.bench(),
              r.mode(),
              r.round(),
              r.documents(),
              r.units(),
              // the summary's -1: --no-dedupe does not count distinct keys
              r.distinctUnits() < 0 ? "" : String.format(Locale.ROOT, "%,d", r.distinctUnits()),
              r.reusedUnits(),
              r.embeddedUnits(),
              r.embeddedTokens(),
              r.jobWallS(),
              r.cliWallS()));
    }
    b.append('\n');
    for (String bench : List.of("repeats-30%", "natural")) {
      double on = median(runs, bench, "dedupe");
      double off = median(runs, bench, "--no-dedupe");
      b.append(
          String.format(
              Locale.ROOT,
              "%s: job wall median dedupe %.1f s, --no-dedupe %.1f s: dedupe takes %.2f× the time;"
                  + " it embeds %.2f× the tokens (the time a free dedupe would take)%n",
              bench,
              on,
              off,
              on / off,
              tokenRatio(runs, bench)));
    }
    Run d1 = runs.stream().filter(r -> r.mode().equals("day 1")).findFirst().orElse(null);
    Run d2 = runs.stream().filter(r -> r.mode().startsWith("day 2")).findFirst().orElse(null);
    if (d1 == null || d2 == null) {
      return b.toString();
    }
    b.append(
        String.format(
            Locale.ROOT,
            "next day: day 2 takes %.1f %% of day 1's job wall time, embeds %,d of %,d units%n",
            100 * d2.jobWallS() / d1.jobWallS(),
            d2.embeddedUnits(),
            d2.units()));
    return b.toString();
  }

  /**
   * Tokens embedded with dedupe over tokens without: the share of the model's work dedupe keeps.
   * Repeated lines are often shorter than the rest (the boilerplate here is), so this, not the
   * share of repeated rows, is the speed-up to expect.
   */
  private static double tokenRatio(List<Run> runs, String bench) {
    double on = median(runs, bench, "dedupe", Run::embeddedTokens);
    double off = median(runs, bench, "--no-dedupe", Run::embeddedTokens);
    return on / off;
  }

  private static double median(List<Run> runs, String bench, String mode) {
    return median(runs, bench, mode, Run::jobWallS);
  }

  private static double median(
      List<Run> runs, String bench, String mode, java.util.function.ToDoubleFunction<Run> value) {
    double[] v =
        runs.stream()
            .filter(r -> r.bench().equals(bench) && r.mode().equals(mode))
            .mapToDouble(value)
            .sorted()
            .toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  static List<String> breakSentences(String body) {
    BreakIterator it = BreakIterator.getSentenceInstance(Locale.ROOT);
    it.setText(body);
    List<String> out = new ArrayList<>();
    for (int start = it.first(), end = it.next();
        end != BreakIterator.DONE;
        start = end, end = it.next()) {
      String t = body.substring(start, end).strip();
      if (!t.isEmpty()) {
        out.add(t);
      }
    }
    return out;
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> w = Files.walk(p)) {
      for (Path q : w.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}
