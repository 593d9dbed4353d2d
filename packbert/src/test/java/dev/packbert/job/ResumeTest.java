package dev.packbert.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slices, {@code --resume} and the summary's exactness, in process on local Spark with MiniLM and
 * the 24-document sample cut into slices of ~8 documents. The driver kill itself is {@code
 * DriverKillIT}; here an interrupted run is made by removing a slice's commit marker and leaving a
 * stale extra part file in its directory, which a resume must replace, not add to.
 */
class ResumeTest {
  static final String SAMPLE = "src/main/resources/sample/europarl-en-24.txt";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;
  static Path clean;

  static List<String> args(Path out, String... extra) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "embed",
                "--input",
                SAMPLE,
                "--output",
                out.toString(),
                "--model",
                "all-minilm-l6-v2",
                "--output-format",
                "json",
                "--master",
                "local[2]",
                "--slice-documents",
                "8",
                "--partitions",
                "2"));
    a.addAll(List.of(extra));
    return a;
  }

  static JobRuns.Result run(Path out, String... extra) {
    return JobRuns.run(args(out, extra).toArray(String[]::new));
  }

  @BeforeAll
  static void cleanRun() {
    JobRuns.stopLeftoverSpark();
    clean = tmp.resolve("clean");
    assertEquals(0, run(clean).exit());
  }

  @Test
  void cutsSlicesByDocIdAndCommitsEachWithItsSummary() throws Exception {
    JsonNode summary = summary(clean);
    int slices = summary.get("slices").asInt();
    assertEquals(3, slices, "24 documents in slices of ~8");
    long sentences = 0;
    long inputRows = 0;
    for (int i = 0; i < slices; i++) {
      String name = String.format("%05d", i);
      assertTrue(Files.isDirectory(clean.resolve("sentences/slice=" + name)), name);
      JsonNode slice = JSON.readTree(clean.resolve("_slices/" + name + ".json").toFile());
      List<JsonNode> rows = jsonLinesBelow(clean.resolve("sentences/slice=" + name));
      assertEquals(
          slice.get("sentences").asLong(), rows.size(), "slice " + name + " counts its rows");
      sentences += rows.size();
      inputRows += slice.get("input_rows").asLong();
    }
    assertEquals(24, inputRows);
    assertEquals(summary.get("sentences").asLong(), sentences);
    // the rule is a hash of doc_id: a document's sentences are all in one slice
    Map<String, String> sliceOfDoc = new TreeMap<>();
    try (Stream<Path> w = Files.walk(clean.resolve("sentences"))) {
      for (Path p : w.filter(f -> f.getFileName().toString().startsWith("part-")).toList()) {
        String slice = p.getParent().getFileName().toString();
        for (JsonNode n : lines(p)) {
          String was = sliceOfDoc.put(n.get("doc_id").asText(), slice);
          assertTrue(was == null || was.equals(slice), "doc " + n.get("doc_id") + " in one slice");
        }
      }
    }
    assertEquals(24, sliceOfDoc.size());
    assertTrue(Files.exists(clean.resolve(OutputDir.RUN_RECORD)));
  }

  @Test
  void resumeRedoesOnlyTheUncommittedSliceAndEqualsACleanRun() throws Exception {
    Path out = tmp.resolve("interrupted");
    assertEquals(0, run(out).exit());
    // as if the driver died while slice 1 was being written: no marker, no summary, and a
    // stray part file of the dead attempt
    Files.delete(out.resolve("_slices/00001.json"));
    Files.delete(out.resolve("_packbert_summary.json"));
    Path dir = out.resolve("sentences/slice=00001");
    Path part;
    try (Stream<Path> s = Files.list(dir)) {
      part =
          s.filter(f -> f.getFileName().toString().startsWith("part-")).findFirst().orElseThrow();
    }
    Files.copy(part, dir.resolve("part-99999-stale.json"));
    long untouched = Files.getLastModifiedTime(out.resolve("_slices/00000.json")).toMillis();

    JobRuns.Result r = run(out, "--resume");
    assertEquals(0, r.exit(), r.stderr());
    assertEquals(
        untouched,
        Files.getLastModifiedTime(out.resolve("_slices/00000.json")).toMillis(),
        "a committed slice is not redone");
    assertSameOutput(clean, out);
    JsonNode summary = summary(out);
    assertEquals(2, summary.get("slices_resumed").asInt());
  }

  @Test
  void resumeOfAFinishedOutputDoesNothingAndSaysSo() throws Exception {
    String before = Files.readString(clean.resolve("_packbert_summary.json"));
    long marker = Files.getLastModifiedTime(clean.resolve("_slices/00002.json")).toMillis();
    JobRuns.Result r = run(clean, "--resume");
    assertEquals(0, r.exit(), r.stderr());
    assertTrue(
        r.stderr().contains("is complete: all 3 slices are committed; nothing to do"), r.stderr());
    assertEquals(before, Files.readString(clean.resolve("_packbert_summary.json")));
    assertEquals(marker, Files.getLastModifiedTime(clean.resolve("_slices/00002.json")).toMillis());
  }

  @Test
  void resumeWithAChangedSettingIsRefusedNamingIt() {
    JobRuns.Result r = run(clean, "--resume", "--pooling", "cls");
    assertEquals(2, r.exit(), r.stderr());
    List<String> lines = r.stderrLines().stream().filter(l -> l.startsWith("packbert: ")).toList();
    assertEquals(1, lines.size(), r.stderr());
    assertTrue(lines.get(0).contains("pooling=[\"mean\"]"), lines.get(0));
    assertTrue(lines.get(0).contains("pooling=[\"cls\"]"), lines.get(0));
    JobRuns.Result m = run(clean, "--resume", "--max-seq-length", "64");
    assertEquals(2, m.exit(), m.stderr());
    assertTrue(m.stderr().contains("max_seq_length=128"), m.stderr());
  }

  @Test
  void resumeIntoADirectoryThisJobDidNotStartIsRefused() throws Exception {
    Path foreign = Files.createDirectories(tmp.resolve("foreign"));
    Files.writeString(foreign.resolve("precious.txt"), "not ours");
    JobRuns.Result r = run(foreign, "--resume");
    assertEquals(2, r.exit(), r.stderr());
    assertTrue(r.stderr().contains("holds no _packbert_run.json"), r.stderr());
    assertTrue(Files.exists(foreign.resolve("precious.txt")), "nothing was removed");
  }

  @Test
  void anExistingOutputWithoutResumeIsRefused() {
    JobRuns.Result r = run(clean);
    assertEquals(2, r.exit(), r.stderr());
    assertTrue(r.stderr().contains("already exists; pass --resume"), r.stderr());
    assertTrue(Files.exists(clean.resolve("_packbert_summary.json")), "nothing was removed");
  }

  /**
   * Every other task's first attempt fails after it ran (spark.plugins FailFirstAttempts, local
   * mode retries up to 4 times): the counts equal the clean run's.
   */
  @Test
  void summaryUnderForcedTaskFailuresEqualsACleanRun() throws Exception {
    Path out = tmp.resolve("retried");
    int before = FailFirstAttempts.failures();
    List<String> a = args(out, "--conf", "spark.plugins=" + FailFirstAttempts.class.getName());
    a.set(a.indexOf("local[2]"), "local[2,4]");
    JobRuns.Result r = JobRuns.run(a.toArray(String[]::new));
    assertEquals(0, r.exit(), r.stderr());
    assertTrue(FailFirstAttempts.failures() - before >= 3, "tasks failed and were retried");
    assertSameOutput(clean, out);
  }

  /**
   * Delta: one table, one replaceWhere transaction per slice; a redone slice replaces its rows (the
   * slice's count is read back from the table, so an append would show as double). The finished
   * table then serves {@code --reuse} of a run writing JSON.
   */
  @Test
  void deltaSlicesAreReplacedNotAppendedOnResume() throws Exception {
    Path out = tmp.resolve("delta");
    List<String> a = args(out);
    a.set(a.indexOf("json"), "delta");
    assertEquals(0, JobRuns.run(a.toArray(String[]::new)).exit());
    JsonNode first = summary(out);
    assertEquals(3, first.get("slices").asInt());
    assertTrue(Files.isDirectory(out.resolve("sentences/_delta_log")), "one Delta table");
    assertTrue(Files.isDirectory(out.resolve("sentences/slice=1")), "partitioned by slice");
    Files.delete(out.resolve("_slices/00001.json"));
    Files.delete(out.resolve("_packbert_summary.json"));
    a.add("--resume");
    assertEquals(0, JobRuns.run(a.toArray(String[]::new)).exit());
    JsonNode again = summary(out);
    for (String f : RunCounts.FIELDS) {
      assertEquals(first.get(f), again.get(f), f);
    }
    assertEquals(summary(clean).get("sentences"), again.get("sentences"));
    assertEquals(2, again.get("slices_resumed").asInt());

    // the finished Delta output serves --reuse (issue 25): every unit found there, none embedded
    Path reused = tmp.resolve("delta-reused");
    List<String> one = args(reused, "--reuse", out.toString());
    one.set(one.indexOf("--slice-documents") + 1, "1000"); // one slice: nothing to embed anyway
    JobRuns.Result r = JobRuns.run(one.toArray(String[]::new));
    assertEquals(0, r.exit(), r.stderr());
    JsonNode s = summary(reused);
    assertEquals(0, s.get("embedded_units").asLong(), s.toString());
    assertTrue(s.get("reused_units").asLong() > 0, s.toString());
    assertEquals(s.get("distinct_units"), s.get("reused_units"), s.toString());
    assertSameRows(clean, reused);
  }

  static void assertSameOutput(Path expected, Path actual) throws IOException {
    assertSameRows(expected, actual);
    JsonNode sa = summary(expected);
    JsonNode sb = summary(actual);
    for (String f : RunCounts.FIELDS) {
      assertEquals(sa.get(f), sb.get(f), f);
    }
  }

  /** The same (doc_id, sentence_index) rows, none missing, vectors within 1e-5. */
  static void assertSameRows(Path expected, Path actual) throws IOException {
    Map<String, JsonNode> a = byKey(jsonLinesBelow(expected.resolve("sentences")));
    Map<String, JsonNode> b = byKey(jsonLinesBelow(actual.resolve("sentences")));
    assertEquals(a.keySet(), b.keySet(), "same (doc_id, sentence_index), none missing");
    double worst = 0;
    for (String k : a.keySet()) {
      JsonNode x = a.get(k).get("mean");
      JsonNode y = b.get(k).get("mean");
      for (int i = 0; i < x.size(); i++) {
        worst = Math.max(worst, Math.abs(x.get(i).asDouble() - y.get(i).asDouble()));
      }
    }
    assertTrue(worst <= 1e-5, "max |Δ| " + worst);
  }

  static JsonNode summary(Path out) throws IOException {
    return JSON.readTree(out.resolve("_packbert_summary.json").toFile());
  }

  /** Rows by "doc_id#sentence_index"; fails on a duplicate. */
  static Map<String, JsonNode> byKey(List<JsonNode> rows) {
    Map<String, JsonNode> m = new TreeMap<>();
    for (JsonNode n : rows) {
      String key = n.get("doc_id").asText() + "#" + n.get("sentence_index").asInt();
      assertTrue(m.put(key, n) == null, "duplicate " + key);
    }
    return m;
  }

  /** The JSON lines of every part file below dir, slice directories included. */
  static List<JsonNode> jsonLinesBelow(Path dir) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (Stream<Path> w = Files.walk(dir)) {
      for (Path p :
          w.filter(f -> f.getFileName().toString().startsWith("part-")).sorted().toList()) {
        out.addAll(lines(p));
      }
    }
    assertFalse(out.isEmpty(), "rows below " + dir);
    return out;
  }

  static List<JsonNode> lines(Path p) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }
}
