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
 * (their natural repeats: the overhead of dedupe); with {@code --slice-documents N}, the same
 * corpora cut into slices, {@code --dedupe-scope run} vs {@code slice} (what dedupe across slices
 * saves and costs, and its lookup time slice by slice); (b) the next day: day 1 = N documents, day
 * 2 = day 1 with 1 % of documents changed (one sentence edited) and 1 % added, run with {@code
 * --reuse} day 1's output.
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
      boolean nextDay,
      int sliceDocuments) {}

  /** The within-run comparison's two modes: dedupe on/off, or its two scopes over slices. */
  static List<String> modes(int sliceDocuments) {
    return sliceDocuments > 0
        ? List.of("dedupe-scope run", "dedupe-scope slice")
        : List.of("dedupe", "--no-dedupe");
  }

  private final Settings s;
  private final PrintStream log;

  public ReuseBench(Settings s, PrintStream log) {
    this.s = s;
    this.log = log;
  }

  /** One slice of a run-scope run: how its lookup of earlier slices grows with their number. */
  record SliceLookup(
      String bench,
      String scope,
      int round,
      int slice,
      long earlierUnits,
      double lookupS,
      double sliceS) {}

  private final List<SliceLookup> lookups = new ArrayList<>();

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
      double cliWallS,
      long earlierSliceUnits,
      double earlierLookupS) {
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
      m.put("earlier_slice_units", earlierSliceUnits);
      m.put("earlier_lookup_s", earlierLookupS);
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
    embed("warm-up", warm, "dedupe", 0, List.of(), true);
    Files.deleteIfExists(warm);
    // (a) within a run: each corpus's two modes in A-B-B-A order over its rounds, the corpora in
    // opposite orders, so that a drift in the machine's speed weighs on both modes alike
    Path boiler = writeJsonl("boilerplate", withBoilerplate(natural));
    Path plain = writeJsonl("natural", natural);
    // over slices, also documents posted again under another id: most copies land in another
    // slice than their original, where only a lookup of earlier slices finds them
    Path copies =
        s.sliceDocuments() > 0 ? writeJsonl("copies", withCopies(natural, COPY_EVERY)) : null;
    List<String> modes = modes(s.sliceDocuments());
    for (int r = 1; r <= s.rounds(); r++) {
      int first = r % 2 == 1 ? 0 : 1;
      for (int m : new int[] {first, 1 - first}) {
        runs.add(embed("repeats-30%", boiler, modes.get(m), r, List.of(), true));
      }
      for (int m : new int[] {1 - first, first}) {
        runs.add(embed("natural", plain, modes.get(m), r, List.of(), true));
      }
      if (copies != null) {
        for (int m : new int[] {first, 1 - first}) {
          runs.add(embed(COPIES, copies, modes.get(m), r, List.of(), true));
        }
      }
    }
    Files.deleteIfExists(boiler);
    Files.deleteIfExists(plain);
    if (copies != null) {
      Files.deleteIfExists(copies);
    }
    // (b) the next day
    if (s.nextDay()) {
      Path day1 = writeJsonl("day1", nextDayCorpus(pool, s.documents(), false));
      Path day2 = writeJsonl("day2", nextDayCorpus(pool, s.documents(), true));
      Run d1 = embed("next-day", day1, "dedupe", 1, List.of(), false);
      d1 = rename(d1, "day 1");
      Run d2 =
          embed(
              "next-day",
              day2,
              "dedupe",
              1,
              List.of(output("next-day", "dedupe", 1).toString()),
              true);
      d2 = rename(d2, "day 2 --reuse day 1");
      runs.add(d1);
      runs.add(d2);
      deleteTree(output("next-day", "dedupe", 1));
      Files.deleteIfExists(day1);
      Files.deleteIfExists(day2);
    }
    String md = table(runs, loadBefore, PeerBench.loadAverage()) + lookupTable(lookups);
    ObjectNode json = new ObjectMapper().createObjectNode();
    json.put("load_before", loadBefore);
    json.put("load_after", PeerBench.loadAverage());
    json.put("cpu", CpuFeatures.summary());
    json.set("runs", new ObjectMapper().valueToTree(runs.stream().map(Run::toMap).toList()));
    json.set("slice_lookups", new ObjectMapper().valueToTree(lookups));
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
        r.cliWallS(),
        r.earlierSliceUnits(),
        r.earlierLookupS());
  }

  private Path output(String bench, String mode, int round) {
    return s.out()
        .resolve(
            "out-"
                + bench.replace("%", "")
                + "-"
                + mode.replace("--", "").replace(' ', '-')
                + "-"
                + round);
  }

  private Run embed(
      String bench, Path input, String mode, int round, List<String> reuse, boolean delete)
      throws IOException {
    Path output = output(bench, mode, round);
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
    switch (mode) {
      case "dedupe" -> args.add("--dedupe");
      case "--no-dedupe" -> args.add("--no-dedupe");
      default -> args.addAll(List.of("--dedupe-scope", scopeOf(mode)));
    }
    if (s.sliceDocuments() > 0 && !bench.equals("next-day") && !bench.equals("warm-up")) {
      args.addAll(List.of("--slice-documents", String.valueOf(s.sliceDocuments())));
    }
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
            mode,
            round,
            j.path("documents").asLong(),
            j.path("units").asLong(),
            j.path("distinct_units").asLong(),
            j.path("reused_units").asLong(),
            j.path("embedded_units").asLong(),
            // the packer's real tokens: what was embedded, each distinct unit once with dedupe
            j.path("tokens").asLong(),
            j.path("wall_seconds").asDouble(),
            cli,
            j.path("earlier_slice_units").asLong(),
            j.path("earlier_lookup_seconds").asDouble());
    log.printf(Locale.ROOT, "bench: reuse %s%n", r.toMap());
    if (mode.startsWith("dedupe-scope")) {
      readLookups(bench, mode, round, output);
    }
    if (delete) {
      deleteTree(output);
    }
    return r;
  }

  /** "run" of the mode "dedupe-scope run". */
  private static String scopeOf(String mode) {
    return mode.substring(mode.indexOf(' ') + 1);
  }

  /** Each slice's lookup of the earlier ones, from the run's slice markers. */
  private void readLookups(String bench, String mode, int round, Path output) throws IOException {
    Path slices = output.resolve("_slices");
    if (!Files.isDirectory(slices)) {
      return;
    }
    try (Stream<Path> files = Files.list(slices)) {
      // the slice markers only, not Hadoop's .crc files beside them
      for (Path f :
          files.filter(f -> f.getFileName().toString().matches("\\d+\\.json")).sorted().toList()) {
        JsonNode j = new ObjectMapper().readTree(f.toFile());
        lookups.add(
            new SliceLookup(
                bench,
                scopeOf(mode),
                round,
                j.path("slice").asInt(),
                j.path("earlier_slice_units").asLong(),
                j.path("earlier_lookup_seconds").asDouble(),
                j.path("seconds").asDouble()));
      }
    }
  }

  /** Lookup time against the number of earlier slices: where dedupe across slices grows. */
  static String lookupTable(List<SliceLookup> lookups) {
    if (lookups.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder("\n## Slice by slice: the lookup of earlier slices\n\n");
    b.append(
        "| bench | scope | round | slice | earlier slices | keys found there | lookup s | slice s |"
            + " lookup share |\n");
    b.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (SliceLookup l : lookups) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %d | %d | %d | %,d | %.2f | %.1f | %.1f %% |%n",
              l.bench(),
              l.scope(),
              l.round(),
              l.slice(),
              // a fresh run's slice k has k earlier slices
              l.slice(),
              l.earlierUnits(),
              l.lookupS(),
              l.sliceS(),
              100 * l.lookupS() / Math.max(l.sliceS(), 1e-9)));
    }
    return b.toString();
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

  static final String COPIES = "copies-10%";

  /** One document in this many is a copy of another ({@link #withCopies}). */
  static final int COPY_EVERY = 10;

  /**
   * The documents, then one copy for every {@code every} of them (of documents spread over the
   * whole corpus), appended as documents of their own: the same text posted again.
   */
  static List<List<String>> withCopies(List<List<String>> docs, int every) {
    List<List<String>> out = new ArrayList<>(docs);
    int n = docs.size();
    for (int i = 0; i < n / every; i++) {
      out.add(docs.get((int) ((long) i * every * 7 % n)));
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
    boolean scopes = runs.stream().anyMatch(r -> r.mode().startsWith("dedupe-scope"));
    List<String> modes = modes(scopes ? 1 : 0);
    for (String bench : List.of("repeats-30%", "natural", COPIES)) {
      if (runs.stream().noneMatch(r -> r.bench().equals(bench))) {
        continue;
      }
      double on = median(runs, bench, modes.get(0));
      double off = median(runs, bench, modes.get(1));
      b.append(
          String.format(
              Locale.ROOT,
              "%s: job wall median %s %.1f s, %s %.1f s: %s takes %.2f× the time;"
                  + " it embeds %.2f× the tokens (the time a free %s would take)%n",
              bench,
              modes.get(0),
              on,
              modes.get(1),
              off,
              modes.get(0),
              on / off,
              tokenRatio(runs, bench, modes),
              modes.get(0)));
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
  private static double tokenRatio(List<Run> runs, String bench, List<String> modes) {
    double on = median(runs, bench, modes.get(0), Run::embeddedTokens);
    double off = median(runs, bench, modes.get(1), Run::embeddedTokens);
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
