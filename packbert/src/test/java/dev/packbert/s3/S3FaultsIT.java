package dev.packbert.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.model.ListMultipartUploadsRequest;
import com.amazonaws.services.s3.model.ListObjectsV2Request;
import com.amazonaws.services.s3.model.ListObjectsV2Result;
import com.amazonaws.services.s3.model.S3ObjectSummary;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.packbert.job.JobRuns;
import dev.packbert.job.RunCounts;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Storage faults injected while real PackBERT runs write through the S3A magic committer: the
 * 24-document sample, all-MiniLM-L6-v2, {@code --slice-documents 8} (3 slices), {@code local[2]},
 * from S3Proxy through {@link FaultProxy} (loopback only; every rule injects a bounded number of
 * times). Each run either finishes with output equal to a clean run (same {@code (doc_id,
 * sentence_index)} keys, none twice, vectors equal, the summary's counts equal) or stops with one
 * line, exit code 2, and leaves committed slices that {@code --resume} completes to the same
 * result. After every finished run the bucket holds no {@code __magic} object and no open multipart
 * upload, and each slice's {@code _SUCCESS} (the magic committer's manifest) lists exactly the part
 * files present.
 *
 * <p>Two buckets, so one Spark session (kept between runs: {@code packbert.keep-session}) sees two
 * retry profiles through S3A's per-bucket settings:
 *
 * <ul>
 *   <li><b>retrying</b>: the test server's settings ({@code fs.s3a.attempts.maximum=2}, {@code
 *       fs.s3a.retry.limit=2}, S3A's default timeouts): what S3A itself absorbs;
 *   <li><b>no-retry</b>: every S3A and SDK retry off, a 2 s {@code fs.s3a.connection.timeout}: each
 *       fault fails the run, which is what PackBERT must handle (one line, then --resume).
 * </ul>
 *
 * <p>The table of every fault (kind, where, injected, outcome, what absorbed it) is printed and
 * written to {@code target/s3-faults.md}; docs/DEPLOY.md has a copy.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class S3FaultsIT {
  static final Path MODULE = Path.of(System.getProperty("packbert.module.dir", "."));
  static final Path SAMPLE = MODULE.resolve("src/main/resources/sample/europarl-en-24.txt");
  static final ObjectMapper JSON = new ObjectMapper();
  static final long STALL_MS = 3000;

  private static LocalS3Server s3;
  private static FaultProxy proxy;
  private static AmazonS3 client;
  private static String noRetry;
  private static Map<String, JsonNode> cleanRows;
  private static JsonNode cleanSummary;
  private static final List<String> table = new ArrayList<>();
  private static final long T0 = System.nanoTime();

  @BeforeAll
  static void start() throws IOException {
    JobRuns.stopLeftoverSpark();
    s3 = LocalS3Server.start();
    proxy = FaultProxy.start(s3.endpoint());
    client = s3.client(LocalS3Server.ACCESS_KEY, LocalS3Server.SECRET_KEY);
    // its own name: Hadoop caches one S3AFileSystem per bucket per JVM
    noRetry = "packbert-noretry-" + UUID.randomUUID().toString().substring(0, 8);
    client.createBucket(noRetry);
    s3.put("in/europarl-en-24.txt", Files.readAllBytes(SAMPLE));
    table.add("| fault | where | bucket | injected | outcome | absorbed by |");
    table.add("|---|---|---|---|---|---|");
  }

  @AfterAll
  static void stop() throws IOException {
    JobRuns.stopLeftoverSpark();
    String report = String.join("\n", table) + "\n";
    System.out.print(report);
    Files.createDirectories(MODULE.resolve("target"));
    Files.writeString(MODULE.resolve("target/s3-faults.md"), report);
    System.out.printf("S3FaultsIT: %.1f s%n", (System.nanoTime() - T0) / 1e9);
    proxy.close();
    s3.close();
  }

  /** The job's command line, output in {@code bucket} under {@code out/NAME}. */
  static List<String> job(String bucket, String name, boolean resume) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "embed",
                "--input",
                s3.uri("in/europarl-en-24.txt"),
                "--output",
                "s3a://" + bucket + "/out/" + name,
                "--model",
                "all-minilm-l6-v2",
                "--output-format",
                "json",
                "--pooling",
                "mean",
                "--master",
                "local[2]",
                "--partitions",
                "2",
                "--slice-documents",
                "8"));
    if (resume) {
      args.add("--resume");
    }
    Map<String, String> conf = new LinkedHashMap<>(LocalS3Server.magicCommitterSparkConf());
    conf.put("spark.hadoop.fs.s3a.endpoint", proxy.endpoint());
    String b = "spark.hadoop.fs.s3a.bucket." + noRetry + ".";
    conf.put(b + "attempts.maximum", "0");
    conf.put(b + "retry.limit", "0");
    conf.put(b + "retry.throttle.limit", "0");
    conf.put(b + "connection.timeout", "2000");
    conf.put("spark.ui.enabled", "false");
    conf.put("spark.sql.shuffle.partitions", "2");
    conf.put("packbert.keep-session", "true");
    args.addAll(s3.confArgs(conf));
    return args;
  }

  record Run(int exit, List<String> lines, double seconds) {}

  static Run run(List<String> args) {
    long t0 = System.nanoTime();
    JobRuns.Result r = JobRuns.run(args.toArray(new String[0]));
    return new Run(r.exit(), r.stderrLines(), (System.nanoTime() - t0) / 1e9);
  }

  /** Where the faults go: request method and a regex on the request target. */
  static String slice(int n) {
    return String.format(Locale.ROOT, "%05d", n);
  }

  static FaultProxy.Rule partUpload(String name) {
    return FaultProxy.Rule.on("PUT", "/out/" + name + "/sentences/.*[?&]partNumber=");
  }

  static FaultProxy.Rule completion(String name) {
    return FaultProxy.Rule.on("POST", "/out/" + name + "/sentences/.*[?&]uploadId=");
  }

  static FaultProxy.Rule success(String name) {
    return FaultProxy.Rule.on("PUT", "/out/" + name + "/sentences/.*/_SUCCESS$");
  }

  static FaultProxy.Rule marker(String name) {
    return FaultProxy.Rule.on("PUT", "/out/" + name + "/_slices/\\d+\\.json$");
  }

  /** The committer's listings of its {@code __magic} directory (task and job commit). */
  static FaultProxy.Rule listing(String name) {
    return FaultProxy.Rule.on(
        "GET", "list-type=2.*prefix=out%2F" + name + "%2Fsentences%2F.*__magic");
  }

  @Test
  @Order(1)
  void cleanRun() throws IOException {
    Run r = run(job(s3.bucket(), "clean", false));
    assertEquals(0, r.exit(), r.lines().toString());
    cleanRows = rows(s3.bucket(), "out/clean/");
    cleanSummary = summary(s3.bucket(), "out/clean/");
    assertEquals(3, cleanSummary.get("slices").asInt());
    assertEquals(cleanRows.size(), cleanSummary.get("sentences").asLong());
    assertCommitted(s3.bucket(), "out/clean/");
    System.out.printf("clean run %.1f s: %d sentences%n", r.seconds(), cleanRows.size());
  }

  /**
   * Retrying bucket, every kind of fault at every place in one run (the rules on one place inject
   * into consecutive requests there): S3A's retries absorb them all, the run finishes equal to the
   * clean one.
   */
  @Test
  @Order(2)
  void retriesAbsorbBoundedFaults() throws IOException {
    String n = "absorbed";
    Map<String, FaultProxy.Rule> rules = new LinkedHashMap<>();
    rules.put("503 SlowDown|part upload", partUpload(n).slowDown());
    rules.put("drop request|part upload", partUpload(n).dropRequest());
    rules.put("drop response|part upload", partUpload(n).dropResponse());
    rules.put("stall 3 s|part upload", partUpload(n).stall(STALL_MS));
    rules.put("503 SlowDown|multipart completion", completion(n).slowDown());
    rules.put("drop request|multipart completion", completion(n).dropRequest());
    rules.put("stall 3 s|multipart completion", completion(n).stall(STALL_MS));
    rules.put("503 SlowDown|_SUCCESS", success(n).slowDown());
    rules.put("drop response|_SUCCESS", success(n).dropResponse());
    rules.put("stall 3 s|_SUCCESS", success(n).stall(STALL_MS));
    rules.put("503 SlowDown|slice marker", marker(n).slowDown());
    rules.put("drop response|slice marker", marker(n).dropResponse());
    rules.put("stall 3 s|slice marker", marker(n).stall(STALL_MS));
    rules.put("503 SlowDown|__magic listing", listing(n).slowDown());
    rules.put("drop response|__magic listing", listing(n).dropResponse());
    rules.put("stall 3 s|__magic listing", listing(n).stall(STALL_MS));
    rules.values().forEach(proxy::add);
    Run r;
    try {
      r = run(job(s3.bucket(), n, false));
    } finally {
      proxy.clearRules();
    }
    assertEquals(0, r.exit(), r.lines().toString());
    assertSameAsClean(s3.bucket(), "out/" + n + "/", 0);
    rules.forEach(
        (what, rule) -> {
          assertEquals(1, rule.injected(), what + " injected");
          String[] kw = what.split("\\|", -1);
          table.add(
              row(
                  kw[0],
                  kw[1],
                  "retrying",
                  rule.injected(),
                  "finished, equal to the clean run",
                  kw[0].startsWith("stall")
                      ? "S3A: waited (fs.s3a.connection.timeout 200 s)"
                      : "S3A retries"));
        });
    System.out.printf("%d faults absorbed in one run of %.1f s%n", rules.size(), r.seconds());
  }

  /**
   * Retrying bucket: a multipart completion that S3 carried out but whose answer was lost. The
   * retried completion finds the upload gone (S3Proxy: 400 InvalidPart), part of the slice's files
   * are visible; no retry setting absorbs it. One line, exit 2; --resume rewrites the slice.
   */
  @Test
  @Order(3)
  void aLostCompletionIsRedoneByResume() throws IOException {
    String n = "lost-completion";
    FaultProxy.Rule lost =
        proxy.add(
            FaultProxy.Rule.on(
                    "POST", "/out/" + n + "/sentences/slice%3D" + slice(1) + "/.*[?&]uploadId=")
                .dropResponse());
    Run failed;
    try {
      failed = run(job(s3.bucket(), n, false));
    } finally {
      proxy.clearRules();
    }
    String out = "s3a://" + s3.bucket() + "/out/" + n;
    assertStopped(failed, out);
    assertTrue(
        failed.lines().get(0).contains("a multipart upload was gone when it was to be completed"),
        failed.lines().get(0));
    int committed = markers(s3.bucket(), "out/" + n + "/");
    Run resumed = run(job(s3.bucket(), n, true));
    assertEquals(0, resumed.exit(), resumed.lines().toString());
    assertSameAsClean(s3.bucket(), "out/" + n + "/", committed);
    table.add(
        row(
            "drop response",
            "multipart completion",
            "retrying",
            lost.injected(),
            "stopped: `" + failed.lines().get(0).replace(out, "OUT") + "`; --resume: equal",
            "PackBERT (slice marker + --resume)"));
  }

  /**
   * No-retry bucket: each fault stops the run with one line; the next run resumes (with the next
   * fault armed) and a last one finishes. Faults go into slice 1, so slice 0 stays committed.
   */
  @Test
  @Order(4)
  void withoutRetriesEachFaultStopsTheRunAndResumeFinishesIt() throws IOException {
    String n = "chain";
    String out = "s3a://" + noRetry + "/out/" + n;
    String s1 = "slice%3D" + slice(1);
    Map<String, FaultProxy.Rule> chain = new LinkedHashMap<>();
    chain.put(
        "503 SlowDown|part upload",
        FaultProxy.Rule.on("PUT", "/out/" + n + "/sentences/" + s1 + "/.*[?&]partNumber=")
            .slowDown());
    chain.put(
        "drop request|multipart completion",
        FaultProxy.Rule.on("POST", "/out/" + n + "/sentences/" + s1 + "/.*[?&]uploadId=")
            .dropRequest());
    chain.put(
        "drop response|_SUCCESS",
        FaultProxy.Rule.on("PUT", "/out/" + n + "/sentences/" + s1 + "/_SUCCESS$").dropResponse());
    chain.put(
        "stall 3 s|__magic listing",
        FaultProxy.Rule.on(
                "GET", "list-type=2.*prefix=out%2F" + n + "%2Fsentences%2F" + s1 + ".*__magic")
            .stall(STALL_MS));
    chain.put(
        "503 SlowDown|slice marker",
        FaultProxy.Rule.on("PUT", "/out/" + n + "/_slices/" + slice(1) + "\\.json$").slowDown());
    boolean resume = false;
    for (Map.Entry<String, FaultProxy.Rule> e : chain.entrySet()) {
      proxy.add(e.getValue());
      Run r;
      try {
        r = run(job(noRetry, n, resume));
      } finally {
        proxy.clearRules();
      }
      assertStopped(r, out);
      assertEquals(1, e.getValue().injected(), e.getKey());
      int committed = markers(noRetry, "out/" + n + "/");
      assertEquals(1, committed, "slice 0 committed, slice 1 not: " + r.lines());
      String[] kw = e.getKey().split("\\|", -1);
      table.add(
          row(
              kw[0],
              kw[1],
              "no-retry",
              e.getValue().injected(),
              "stopped: `" + r.lines().get(0).replace(out, "OUT") + "`",
              "PackBERT (--resume)"));
      resume = true;
    }
    Run last = run(job(noRetry, n, true));
    assertEquals(0, last.exit(), last.lines().toString());
    assertSameAsClean(noRetry, "out/" + n + "/", 1);
    table.add(
        row(
            "(none)",
            "",
            "no-retry",
            0,
            "--resume after the five stops above: equal to the clean run",
            ""));
  }

  static String row(
      String kind, String where, String bucket, int injected, String outcome, String absorbed) {
    return "| "
        + String.join(" | ", kind, where, bucket, Integer.toString(injected), outcome, absorbed)
        + " |";
  }

  /** Exit 2 and one line that names the output and says that --resume keeps work. */
  static void assertStopped(Run r, String out) {
    assertEquals(2, r.exit(), r.lines().toString());
    assertEquals(1, r.lines().size(), r.lines().toString());
    String line = r.lines().get(0);
    assertTrue(line.startsWith("packbert: --output " + out + ": "), line);
    assertTrue(line.endsWith("committed: rerun with --resume to finish)"), line);
  }

  /** The output under {@code prefix} equals the clean run's, and is committed cleanly. */
  static void assertSameAsClean(String bucket, String prefix, int resumed) throws IOException {
    Map<String, JsonNode> rows = rows(bucket, prefix);
    assertEquals(cleanRows.keySet(), rows.keySet(), "same (doc_id, sentence_index) keys");
    for (Map.Entry<String, JsonNode> e : cleanRows.entrySet()) {
      assertEquals(e.getValue(), rows.get(e.getKey()), "row " + e.getKey());
    }
    JsonNode summary = summary(bucket, prefix);
    for (String f : RunCounts.FIELDS) {
      assertEquals(cleanSummary.get(f), summary.get(f), f);
    }
    assertEquals(resumed, summary.get("slices_resumed").asInt(), "slices kept by --resume");
    assertCommitted(bucket, prefix);
  }

  /**
   * No {@code __magic} object and no open multipart upload left; every slice's {@code _SUCCESS} is
   * the magic committer's manifest and lists exactly the part files present.
   */
  static void assertCommitted(String bucket, String prefix) throws IOException {
    List<String> keys = keys(bucket, prefix);
    assertTrue(keys.stream().noneMatch(k -> k.contains("__magic")), "no __magic: " + keys);
    assertEquals(
        List.of(),
        client
            .listMultipartUploads(new ListMultipartUploadsRequest(bucket).withPrefix(prefix))
            .getMultipartUploads(),
        "open multipart uploads");
    for (int s = 0; s < 3; s++) {
      String dir = prefix + "sentences/slice=" + slice(s) + "/";
      JsonNode manifest = JSON.readTree(get(bucket, dir + "_SUCCESS"));
      assertEquals("magic", manifest.path("committer").asText(), dir);
      TreeSet<String> listed = new TreeSet<>();
      manifest.path("filenames").forEach(f -> listed.add(f.asText().replaceAll(".*/", "")));
      TreeSet<String> present = new TreeSet<>();
      for (String k : keys) {
        if (k.startsWith(dir + "part-")) {
          present.add(k.substring(dir.length()));
        }
      }
      assertEquals(listed, present, dir + ": the manifest lists exactly the part files present");
    }
  }

  /** The sentence rows by "doc_id#sentence_index"; fails on a duplicate. */
  static Map<String, JsonNode> rows(String bucket, String prefix) throws IOException {
    Map<String, JsonNode> rows = new TreeMap<>();
    for (String k : keys(bucket, prefix + "sentences/")) {
      if (!k.replaceAll(".*/", "").startsWith("part-")) {
        continue;
      }
      for (String line : new String(get(bucket, k), StandardCharsets.UTF_8).split("\n", -1)) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode n = JSON.readTree(line);
        String key = n.get("doc_id").asText() + "#" + n.get("sentence_index").asInt();
        assertTrue(rows.put(key, n) == null, "duplicate " + key + " in " + k);
      }
    }
    assertFalse(rows.isEmpty(), "rows under " + prefix);
    return rows;
  }

  static JsonNode summary(String bucket, String prefix) throws IOException {
    byte[] b = get(bucket, prefix + "_packbert_summary.json");
    assertNotNull(b, "no summary under " + prefix);
    return JSON.readTree(b);
  }

  static int markers(String bucket, String prefix) {
    return (int)
        keys(bucket, prefix + "_slices/").stream().filter(k -> k.matches(".*/\\d+\\.json")).count();
  }

  static List<String> keys(String bucket, String prefix) {
    List<String> keys = new ArrayList<>();
    ListObjectsV2Request request =
        new ListObjectsV2Request().withBucketName(bucket).withPrefix(prefix);
    ListObjectsV2Result page;
    do {
      page = client.listObjectsV2(request);
      for (S3ObjectSummary o : page.getObjectSummaries()) {
        keys.add(o.getKey());
      }
      request.setContinuationToken(page.getNextContinuationToken());
    } while (page.isTruncated());
    keys.sort(null);
    return keys;
  }

  static byte[] get(String bucket, String key) throws IOException {
    if (!client.doesObjectExist(bucket, key)) {
      return null;
    }
    try (InputStream in = client.getObject(bucket, key).getObjectContent()) {
      return in.readAllBytes();
    }
  }
}
