package dev.packbert.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.packbert.engine.CpuFeatures;
import dev.packbert.job.PackBertCli;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;

/**
 * Issue 12 item 5 ({@code bench --scale 1000,10000,...}): the job's real path ({@code packbert
 * embed} in a child JVM, job defaults, local[N]) on growing inputs; per size sentences/s, the
 * child's peak RSS (VmHWM; in local mode the driver is the executor) and the time to first output
 * (the first progress line with embedded sentences, since the JVM started). Writes DIR/scale.json
 * and DIR/scale.md.
 */
public final class ScaleBench {
  /** Distinct europarl sentences at most; larger inputs repeat them in order. */
  static final int POOL_LIMIT = 20_000;

  private static final Pattern PROGRESS = Pattern.compile("([\\d,]+) sentences embedded");

  public record Settings(List<Integer> sizes, String model, int threads, Path out) {}

  private final Settings s;
  private final PrintStream log;

  public ScaleBench(Settings s, PrintStream log) {
    this.s = s;
    this.log = log;
  }

  public List<Map<String, Object>> run() throws IOException, InterruptedException {
    long start = System.nanoTime();
    Files.createDirectories(s.out());
    int largest = s.sizes().stream().mapToInt(Integer::intValue).max().orElse(0);
    List<String> pool = pool(Math.min(largest, POOL_LIMIT));
    Path config = s.out().resolve("scale.conf");
    // a progress line every second, so the first output is seen within a second
    Files.writeString(config, "packbert { progress-seconds = 1 }\n");
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int n : s.sizes()) {
      Path input = s.out().resolve("scale-input-" + n + ".txt");
      List<String> lines = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        lines.add(pool.get(i % pool.size()));
      }
      Files.write(input, lines, StandardCharsets.UTF_8);
      Path output = s.out().resolve("scale-output-" + n);
      String loadBefore = PeerBench.loadAverage();
      double[] first = {Double.NaN};
      ChildJvm.Outcome o =
          ChildJvm.run(
              PackBertCli.class,
              List.of(
                  "embed",
                  "--input",
                  input.toString(),
                  "--output",
                  output.toString(),
                  "--model",
                  s.model(),
                  "--master",
                  "local[" + s.threads() + "]",
                  "--config",
                  config.toString()),
              "8g",
              s.out().resolve("scale-" + n + ".log"),
              (line, t) -> {
                Matcher m = PROGRESS.matcher(line);
                if (Double.isNaN(first[0])
                    && m.find()
                    && Long.parseLong(m.group(1).replace(",", "")) > 0) {
                  first[0] = t;
                }
              });
      Path summary = output.resolve("_packbert_summary.json");
      if (o.exitCode() != 0 || !Files.exists(summary)) {
        throw new IOException(
            "scale run of " + n + " failed (exit " + o.exitCode() + "); see scale-" + n + ".log");
      }
      JsonNode j = new ObjectMapper().readTree(summary.toFile());
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("input_lines", n);
      r.put("sentences", j.path("sentences").asLong());
      r.put("job_wall_s", j.path("wall_seconds").asDouble());
      r.put("sentences_per_second", j.path("sentences_per_second").asDouble());
      r.put("jvm_wall_s", o.wallSeconds());
      r.put("time_to_first_output_s", first[0]);
      r.put("peak_rss_mb", o.peakRssMb());
      r.put("load_before", loadBefore);
      r.put("load_after", PeerBench.loadAverage());
      rows.add(r);
      log.printf(
          Locale.ROOT,
          "bench: scale %,d lines: %,d sentences, %.1f sent/s, first output %.1f s, peak RSS %.0f MB%n",
          n,
          j.path("sentences").asLong(),
          j.path("sentences_per_second").asDouble(),
          first[0],
          o.peakRssMb());
      deleteTree(output);
      Files.delete(input);
    }
    marginalRates(rows);
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(s.out().resolve("scale.json").toFile(), rows);
    String md = table(rows, (System.nanoTime() - start) / 1e9);
    Files.writeString(s.out().resolve("scale.md"), md);
    log.println();
    log.print(md);
    return rows;
  }

  /**
   * Sentences/s between consecutive sizes (extra sentences / extra JVM seconds): start-up cancels
   * out, so a flat cost shows as a marginal rate that does not fall with size.
   */
  private static void marginalRates(List<Map<String, Object>> rows) {
    for (int i = 1; i < rows.size(); i++) {
      Map<String, Object> a = rows.get(i - 1);
      Map<String, Object> b = rows.get(i);
      double dn =
          ((Number) b.get("sentences")).doubleValue() - ((Number) a.get("sentences")).doubleValue();
      double dt = (Double) b.get("jvm_wall_s") - (Double) a.get("jvm_wall_s");
      b.put("marginal_sentences_per_second", dt > 0 ? dn / dt : Double.NaN);
    }
  }

  private List<String> pool(int wanted) {
    SparkSession spark =
        SparkSession.builder()
            .master("local[" + s.threads() + "]")
            .appName("packbert-bench-scale")
            .config("spark.ui.enabled", "false")
            .getOrCreate();
    try {
      return BenchCorpus.sentences(spark, wanted);
    } finally {
      spark.stop();
    }
  }

  private String table(List<Map<String, Object>> rows, double seconds) {
    StringBuilder b =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "model %s, packbert embed with the job's defaults, local[%d] (one JVM: the driver is "
                    + "the executor, so one RSS covers both), one sentence per input line; run %.0f s%n%n"
                    + "CPU: %s%n%n",
                s.model(),
                s.threads(),
                seconds,
                CpuFeatures.summary()));
    b.append(
        "| input lines | sentences | sent/s (job) | marginal sent/s | job wall s | JVM wall s "
            + "| first output s | peak RSS MB | load before |\n|---|---|---|---|---|---|---|---|---|\n");
    for (Map<String, Object> r : rows) {
      Object marginal = r.get("marginal_sentences_per_second");
      b.append(
          String.format(
              Locale.ROOT,
              "| %,d | %,d | %.1f | %s | %.1f | %.1f | %.1f | %.0f | %s |%n",
              (Integer) r.get("input_lines"),
              (Long) r.get("sentences"),
              (Double) r.get("sentences_per_second"),
              marginal == null ? "" : String.format(Locale.ROOT, "%.1f", (Double) marginal),
              (Double) r.get("job_wall_s"),
              (Double) r.get("jvm_wall_s"),
              (Double) r.get("time_to_first_output_s"),
              (Double) r.get("peak_rss_mb"),
              r.get("load_before")));
    }
    return b.toString();
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var w = Files.walk(p)) {
      for (Path x : w.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    }
  }
}
