package dev.packbert.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Content-addressed units (issue 25): dedupe within a run and {@code --reuse} of an earlier output
 * (here on HDFS) give the rows a plain run gives (same keys, spans and vectors within 1e-6), a
 * changed sentence is the only one embedded again, keys do not depend on the partitioning or the
 * number of cores, and an earlier output made under another fingerprint or left incomplete is
 * refused in one line.
 */
class ReuseTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CHANGED = "This sentence is new on the second day.";

  @TempDir static Path tmp;
  static Path day1;
  static Path day2;
  static Path deduped;
  static Path plain;
  static Path reused;
  static SparkSession spark;

  @BeforeAll
  static void runs() throws Exception {
    JobRuns.stopLeftoverSpark();
    List<String> texts = Files.readAllLines(Path.of(EmbedJobEndToEndTest.SAMPLE));
    // day 1: the sample, plus every third document again under another id (duplicates)
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      lines.add(doc("d" + i, texts.get(i)));
      if (i % 3 == 0) {
        lines.add(doc("copy" + i, texts.get(i)));
      }
    }
    day1 = tmp.resolve("day1.jsonl");
    Files.write(day1, lines);
    // day 2: document d1 gets one more sentence at its end, one document is added
    List<String> next = new ArrayList<>(lines);
    next.set(indexOf(lines, "d1"), doc("d1", texts.get(1) + " " + CHANGED));
    next.add(doc("added", CHANGED));
    day2 = tmp.resolve("day2.jsonl");
    Files.write(day2, next);

    deduped = tmp.resolve("deduped");
    plain = tmp.resolve("plain");
    reused = tmp.resolve("reused");
    // no flag: dedupe is the default (ExecutorLossIT spells out --dedupe)
    embed(day1, deduped, "local[2]", "--partitions", "3");
    embed(day1, plain, "local[1]", "--partitions", "1", "--no-dedupe");
    // day 2 reuses day 1's output from HDFS (issue 25 names local, HDFS and s3a; the resume test
    // below reuses a local output, S3aEmbedJobTest one on s3a)
    embed(day2, reused, "local[2]", "--reuse", onHdfs(deduped));
  }

  /** An in-process HDFS, stopped with the class. */
  static MiniDFSCluster hdfs;

  /** The output copied into an in-process HDFS (NameNode and DataNode), as an hdfs:// URI. */
  private static String onHdfs(Path output) throws Exception {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("hdfs").toString());
    hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    hdfs.waitActive();
    hdfs.getFileSystem()
        .copyFromLocalFile(
            new org.apache.hadoop.fs.Path(output.toUri()),
            new org.apache.hadoop.fs.Path("/outputs/day1"));
    return "hdfs://localhost:" + hdfs.getNameNodePort() + "/outputs/day1";
  }

  /** A session to read outputs with (the refusal tests' CLI runs stop the one they find). */
  private static SparkSession session() {
    spark =
        SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false").getOrCreate();
    return spark;
  }

  private static int indexOf(List<String> lines, String id) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("{\"id\": \"" + id + "\"")) {
        return i;
      }
    }
    throw new IllegalStateException(id);
  }

  private static String doc(String id, String text) throws Exception {
    return "{\"id\": \"" + id + "\", \"text\": " + JSON.writeValueAsString(text) + "}";
  }

  private static void embed(Path in, Path out, String master, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "embed",
                "--input",
                in.toString(),
                "--output",
                out.toString(),
                "--model",
                "all-minilm-l6-v2",
                "--unit",
                "both",
                "--master",
                master));
    args.addAll(List.of(more));
    JobRuns.Result r = JobRuns.run(args.toArray(new String[0]));
    assertEquals(0, r.exit(), r.stderr());
  }

  @AfterAll
  static void stop() {
    if (hdfs != null) {
      hdfs.shutdown();
    }
    if (spark != null) {
      spark.stop();
    }
  }

  @Test
  void dedupeEmbedsEachKeyOnceAndWritesThePlainRunsRows() throws Exception {
    JsonNode s = JobRuns.summary(deduped);
    long units = s.get("units").asLong();
    long distinct = s.get("distinct_units").asLong();
    assertEquals(s.get("sentences").asLong(), units);
    assertTrue(
        distinct < units, "dedupe is on by default and the copies repeat sentences: " + distinct);
    assertEquals(distinct, s.get("embedded_units").asLong());
    assertEquals(0, s.get("reused_units").asLong());
    JsonNode p = JobRuns.summary(plain);
    assertEquals(units, p.get("embedded_units").asLong(), "--no-dedupe embeds every row");
    // same rows, keys and vectors; keys the same under local[1]/1 partition and local[2]/3
    Map<String, Row> a = sentences(deduped);
    Map<String, Row> b = sentences(plain);
    assertEquals(b.keySet(), a.keySet());
    double worst = 0;
    for (String k : a.keySet()) {
      assertEquals(b.get(k).getAs("unit_key"), a.get(k).<String>getAs("unit_key"), k);
      assertEquals(b.get(k).<Integer>getAs("begin"), a.get(k).<Integer>getAs("begin"), k);
      assertEquals(b.get(k).<Integer>getAs("end"), a.get(k).<Integer>getAs("end"), k);
      worst = Math.max(worst, maxDiff(a.get(k), b.get(k)));
    }
    assertTrue(worst <= 1e-6, "vectors differ by " + worst);
    // a copy has its original's key, and documents have keys too
    assertEquals(a.get("d0/0").<String>getAs("unit_key"), a.get("copy0/0").getAs("unit_key"));
    Map<String, Row> docs = documents(deduped);
    assertEquals(docs.get("d3").<String>getAs("unit_key"), docs.get("copy3").getAs("unit_key"));
    assertNotEquals(docs.get("d3").<String>getAs("unit_key"), docs.get("d6").getAs("unit_key"));
    assertEquals(
        documents(plain).get("d6").<String>getAs("unit_key"), docs.get("d6").getAs("unit_key"));
  }

  @Test
  void theNextDayEmbedsOnlyTheChangedSentence() throws Exception {
    JsonNode s = JobRuns.summary(reused);
    assertTrue(
        s.get("settings").get("reuse").toString().contains("hdfs://localhost:"), s.toString());
    // the one new sentence (in d1 and in the added document: one key) is all that is embedded
    assertEquals(1, s.get("embedded_units").asLong(), s.toString());
    assertEquals(s.get("distinct_units").asLong() - 1, s.get("reused_units").asLong());
    Map<String, Row> day1Rows = sentences(plain);
    Map<String, Row> day2Rows = sentences(reused);
    assertEquals(day1Rows.size() + 2, day2Rows.size());
    double worst = sameKeysWorstDiff(day1Rows, day2Rows);
    assertTrue(worst <= 1e-6, "reused vectors differ by " + worst);
    Row added = day2Rows.get("added/0");
    assertEquals(CHANGED, added.getAs("text"));
    assertTrue(
        day2Rows.values().stream()
                .filter(r -> r.<String>getAs("unit_key").equals(added.getAs("unit_key")))
                .count()
            == 2,
        "the changed document's new sentence has the added document's key");
  }

  @Test
  void anOutputOfAnotherFingerprintIsRefusedInOneLine() {
    JobRuns.Result r =
        JobRuns.run(
            "embed",
            "--input",
            day2.toString(),
            "--output",
            tmp.resolve("mismatch").toString(),
            "--model",
            "all-minilm-l6-v2",
            "--max-seq-length",
            "64",
            "--master",
            "local[1]",
            "--reuse",
            deduped.toString());
    assertNotEquals(0, r.exit());
    String line = refusal(r);
    assertTrue(line.contains("max_seq_length (128 there, 64 here)"), line);
  }

  @Test
  void anIncompleteOutputIsRefusedInOneLine() throws Exception {
    Path broken = tmp.resolve("broken");
    copy(deduped, broken);
    Files.delete(broken.resolve(OutputDir.SUMMARY));
    JobRuns.Result r =
        JobRuns.run(
            "embed",
            "--input",
            day2.toString(),
            "--output",
            tmp.resolve("never").toString(),
            "--model",
            "all-minilm-l6-v2",
            "--master",
            "local[1]",
            "--reuse",
            broken.toString());
    assertNotEquals(0, r.exit());
    assertTrue(refusal(r).contains("not a finished PackBERT output"), r.stderr());
    Files.writeString(
        broken.resolve(OutputDir.SUMMARY), Files.readString(deduped.resolve(OutputDir.SUMMARY)));
    try (Stream<Path> slices = Files.list(broken.resolve(OutputDir.SLICES))) {
      for (Path p : slices.toList()) {
        Files.delete(p);
      }
    }
    r =
        JobRuns.run(
            "embed",
            "--input",
            day2.toString(),
            "--output",
            tmp.resolve("never2").toString(),
            "--model",
            "all-minilm-l6-v2",
            "--master",
            "local[1]",
            "--reuse",
            broken.toString());
    assertNotEquals(0, r.exit());
    assertTrue(refusal(r).contains("incomplete"), r.stderr());
  }

  /**
   * Dedupe across slices ({@code --dedupe-scope run}, the default): day 1 cut into slices of ~8
   * documents puts most copies in another slice than their originals, yet each key is embedded once
   * in the run, as in the one-slice run, and the rows are the plain run's. The same in Delta (its
   * earlier slices are partitions of one table). {@code --dedupe-scope slice} embeds a copy again
   * in every slice it lands in.
   */
  @Test
  void aKeyIsEmbeddedOncePerRunAcrossSlices() throws Exception {
    JsonNode whole = JobRuns.summary(deduped);
    Path sliced = tmp.resolve("sliced");
    embed(day1, sliced, "local[2]", "--slice-documents", "8");
    JsonNode s = JobRuns.summary(sliced);
    assertTrue(s.get("slices").asInt() >= 3, s.toString());
    assertTrue(s.get("earlier_slice_units").asLong() > 0, s.toString());
    assertEquals(whole.get("distinct_units").asLong(), s.get("distinct_units").asLong());
    assertEquals(whole.get("embedded_units").asLong(), s.get("embedded_units").asLong());
    Map<String, Row> expected = sentences(plain);
    Map<String, Row> got = sentences(sliced);
    assertEquals(expected.keySet(), got.keySet());
    double worst = sameKeysWorstDiff(expected, got);
    assertTrue(worst <= 1e-6, "vectors read back from earlier slices differ by " + worst);

    // the session that read the rows has no Delta extension, and the job would get it back
    JobRuns.stopLeftoverSpark();
    Path delta = tmp.resolve("sliced-delta");
    embed(day1, delta, "local[2]", "--slice-documents", "8", "--output-format", "delta");
    JsonNode d = JobRuns.summary(delta);
    for (String count :
        List.of("units", "distinct_units", "embedded_units", "earlier_slice_units")) {
      assertEquals(s.get(count).asLong(), d.get(count).asLong(), "delta " + count);
    }

    Path perSlice = tmp.resolve("per-slice");
    embed(day1, perSlice, "local[2]", "--slice-documents", "8", "--dedupe-scope", "slice");
    JsonNode p = JobRuns.summary(perSlice);
    assertEquals(0, p.get("earlier_slice_units").asLong(), p.toString());
    assertTrue(
        p.get("embedded_units").asLong() > s.get("embedded_units").asLong(),
        "per slice, a copy in another slice than its original is embedded again: " + p);
  }

  /**
   * {@code --reuse} with {@code --resume}: a day-2 run cut into slices and interrupted while one
   * slice was written finishes that slice only, with the rows and counts of the uninterrupted run.
   */
  @Test
  void anInterruptedRunWithReuseResumesToTheSameRowsAndCounts() throws Exception {
    Path out = tmp.resolve("resumed");
    List<String> more = List.of("--reuse", deduped.toString(), "--slice-documents", "8");
    embed(day2, out, "local[2]", more.toArray(new String[0]));
    JsonNode whole = JobRuns.summary(out);
    assertTrue(whole.get("slices").asInt() >= 3, whole.toString());
    assertTrue(whole.get("reused_units").asLong() > 0, whole.toString());
    // as if the driver died while slice 1 was written: no marker, no summary
    Files.delete(out.resolve(OutputDir.SLICES).resolve("00001.json"));
    Files.delete(out.resolve(OutputDir.SUMMARY));
    long untouched =
        Files.getLastModifiedTime(out.resolve(OutputDir.SLICES).resolve("00000.json")).toMillis();

    List<String> resume = new ArrayList<>(more);
    resume.add("--resume");
    embed(day2, out, "local[2]", resume.toArray(new String[0]));
    assertEquals(
        untouched,
        Files.getLastModifiedTime(out.resolve(OutputDir.SLICES).resolve("00000.json")).toMillis(),
        "a committed slice is not redone");
    JsonNode s = JobRuns.summary(out);
    assertEquals(whole.get("slices").asInt() - 1, s.get("slices_resumed").asInt(), s.toString());
    for (String count : List.of("units", "distinct_units", "reused_units", "embedded_units")) {
      assertEquals(whole.get(count).asLong(), s.get(count).asLong(), count);
    }
    Map<String, Row> expected = sentences(reused);
    Map<String, Row> got = sentences(out);
    assertEquals(expected.keySet(), got.keySet());
    double worst = sameKeysWorstDiff(expected, got);
    assertTrue(worst <= 1e-6, "resumed vectors differ by " + worst);
  }

  /**
   * Asserts that every row of {@code expected} has its unit_key in {@code got}; returns the largest
   * vector difference between them.
   */
  private static double sameKeysWorstDiff(Map<String, Row> expected, Map<String, Row> got) {
    double worst = 0;
    for (Map.Entry<String, Row> e : expected.entrySet()) {
      Row now = got.get(e.getKey());
      assertEquals(e.getValue().<String>getAs("unit_key"), now.getAs("unit_key"), e.getKey());
      worst = Math.max(worst, maxDiff(e.getValue(), now));
    }
    return worst;
  }

  /** The CLI's one line ("packbert: ..."), which must be the only such line. */
  private static String refusal(JobRuns.Result r) {
    List<String> lines = r.stderr().lines().filter(l -> l.startsWith("packbert: ")).toList();
    assertEquals(1, lines.size(), r.stderr());
    return lines.get(0);
  }

  private static void copy(Path from, Path to) throws Exception {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : all.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }

  private static Map<String, Row> sentences(Path out) {
    Map<String, Row> m = new HashMap<>();
    for (Row r : session().read().parquet(out.resolve("sentences").toString()).collectAsList()) {
      m.put(r.getAs("doc_id") + "/" + r.getAs("sentence_index"), r);
    }
    return m;
  }

  private static Map<String, Row> documents(Path out) {
    Map<String, Row> m = new HashMap<>();
    for (Row r : session().read().parquet(out.resolve("documents").toString()).collectAsList()) {
      m.put(r.getAs("doc_id"), r);
    }
    return m;
  }

  private static double maxDiff(Row a, Row b) {
    List<Float> x = a.getList(a.fieldIndex("mean"));
    List<Float> y = b.getList(b.fieldIndex("mean"));
    assertEquals(x.size(), y.size());
    double worst = 0;
    for (int i = 0; i < x.size(); i++) {
      worst = Math.max(worst, Math.abs(x.get(i) - y.get(i)));
    }
    return worst;
  }
}
