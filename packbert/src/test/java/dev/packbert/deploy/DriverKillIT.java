package dev.packbert.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.packbert.job.PackBertCli;
import dev.packbert.job.RunCounts;
import dev.packbert.s3.LocalS3Server;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A driver killed with SIGKILL after two slices were committed, then {@code --resume}: the output
 * equals a clean run's (same {@code (doc_id, sentence_index)} keys, none twice, none missing,
 * vectors within 1e-5) and so do the summary's counts. The 300-document sample with MiniLM on
 * {@code local[2]} in slices of ~50 documents; the killed driver is a child JVM started from this
 * test's classpath, the clean run and the resume run in this JVM. Once with local output, once
 * through the local S3 server with the S3A magic committer.
 */
class DriverKillIT {
  static final Path ROOT = ClusterSupport.ROOT;
  static final Path RUN = ClusterSupport.MODULE.resolve("target/it-driver-kill");
  static final Path INPUT =
      ClusterSupport.MODULE.resolve("src/main/resources/sample/europarl-en-300.jsonl");

  private static JsonNode referenceSummary;
  private static Map<String, JsonNode> reference;

  static List<String> job(String input, String output) {
    return List.of(
        "embed",
        "--input",
        input,
        "--output",
        output,
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
        "50");
  }

  @Test
  void killedDriverResumesToExactlyACleanRun() throws Exception {
    Path dir = RUN.resolve("local");
    ClusterSupport.deleteRecursively(dir);
    Files.createDirectories(dir);
    Path out = dir.resolve("out");
    List<String> args = job(INPUT.toString(), out.toString());
    Kill k = startAndKill(dir, args, List.of(), () -> sliceFiles(out.resolve("_slices")));
    assertFalse(Files.exists(out.resolve("_packbert_summary.json")), "killed before it finished");

    long t0 = System.nanoTime();
    List<String> resume = new ArrayList<>(args);
    resume.add("--resume");
    assertEquals(0, PackBertCli.execute(resume.toArray(String[]::new)), "resume");
    double tResume = seconds(t0);
    Map<String, JsonNode> rows = rows(out.resolve("sentences"));
    JsonNode summary = ClusterSupport.JSON.readTree(out.resolve("_packbert_summary.json").toFile());
    assertSameAsClean(rows, summary, k);
    System.out.printf(
        "local: killed at %.1f s with %d of %d slices committed; resume %.1f s%n",
        k.seconds(), k.slicesAtKill(), summary.get("slices").asInt(), tResume);
  }

  @Test
  void killedDriverResumesThroughTheMagicCommitter() throws Exception {
    Path dir = RUN.resolve("s3a");
    ClusterSupport.deleteRecursively(dir);
    Files.createDirectories(dir);
    try (LocalS3Server s3 = LocalS3Server.start()) {
      s3.put("in/europarl-en-300.jsonl", Files.readAllBytes(INPUT));
      List<String> args = new ArrayList<>(job(s3.uri("in/europarl-en-300.jsonl"), s3.uri("out")));
      args.addAll(s3.confArgs(LocalS3Server.magicCommitterSparkConf()));
      Kill k =
          startAndKill(
              dir,
              args,
              List.of(),
              () ->
                  (int)
                      s3.keys("out/_slices/").stream()
                          .filter(key -> key.endsWith(".json"))
                          .count());
      assertTrue(s3.keys("out/_packbert_summary.json").isEmpty(), "killed before it finished");

      long t0 = System.nanoTime();
      List<String> resume = new ArrayList<>(args);
      resume.add("--resume");
      assertEquals(0, PackBertCli.execute(resume.toArray(String[]::new)), "resume");
      double tResume = seconds(t0);

      List<String> keys = s3.keys("out/");
      assertTrue(keys.stream().noneMatch(key -> key.contains("__magic")), "no __magic left");
      Path local = dir.resolve("downloaded");
      for (String key : keys) {
        if (key.startsWith("out/sentences/") && key.endsWith(".json")) {
          Path f = local.resolve(key.substring("out/".length()));
          Files.createDirectories(f.getParent());
          Files.write(f, s3.get(key));
        }
        if (key.startsWith("out/sentences/slice=") && key.endsWith("/_SUCCESS")) {
          JsonNode success = ClusterSupport.JSON.readTree(s3.get(key));
          assertEquals("magic", success.path("committer").asText(), key + ": " + success);
        }
      }
      JsonNode summary = ClusterSupport.JSON.readTree(s3.get("out/_packbert_summary.json"));
      assertSameAsClean(rows(local.resolve("sentences")), summary, k);
      System.out.printf(
          "s3a: killed at %.1f s with %d of %d slices committed; resume %.1f s%n",
          k.seconds(), k.slicesAtKill(), summary.get("slices").asInt(), tResume);
    }
  }

  record Kill(double seconds, int slicesAtKill) {}

  /**
   * Starts the job in a child JVM, waits until {@code committed} reports at least two slices,
   * SIGKILLs it (Process.destroyForcibly) and waits for it to be gone.
   */
  static Kill startAndKill(Path dir, List<String> args, List<String> jvm, IntSupplier committed)
      throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-Xmx3g");
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens")
          || a.startsWith("-XX:+IgnoreUnrecognized")
          || a.startsWith("-Djdk.reflect")) {
        cmd.add(a);
      }
    }
    cmd.addAll(jvm);
    cmd.add("-Dlog4j2.configurationFile=" + ROOT.resolve("conf/log4j2.properties"));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(PackBertCli.class.getName());
    cmd.addAll(args);
    Path err = dir.resolve("driver.err");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile());
    pb.redirectOutput(dir.resolve("driver.out").toFile()).redirectError(err.toFile());
    long t0 = System.nanoTime();
    Process driver = pb.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
      int slices = 0;
      while (slices < 2 && driver.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(100);
        slices = committed.getAsInt();
      }
      assertTrue(
          driver.isAlive(),
          "the driver ended before it could be killed; stderr:\n"
              + ClusterSupport.tail(Files.readString(err), 3000));
      assertTrue(slices >= 2, "two slices committed within 240 s");
      driver.destroyForcibly(); // SIGKILL: no shutdown hook, no Spark cleanup
      assertTrue(driver.waitFor(30, TimeUnit.SECONDS), "the killed driver is gone");
      double t = seconds(t0);
      assertEquals(137, driver.exitValue(), "killed by SIGKILL");
      return new Kill(t, committed.getAsInt());
    } finally {
      if (driver.isAlive()) {
        driver.destroyForcibly();
      }
    }
  }

  /** The clean run, once: the same job in this JVM into a fresh directory. */
  static synchronized void reference() throws Exception {
    if (reference == null) {
      Path out = RUN.resolve("reference");
      ClusterSupport.deleteRecursively(out);
      long t0 = System.nanoTime();
      assertEquals(
          0, PackBertCli.execute(job(INPUT.toString(), out.toString()).toArray(String[]::new)));
      System.out.printf("clean run %.1f s%n", seconds(t0));
      reference = rows(out.resolve("sentences"));
      referenceSummary =
          ClusterSupport.JSON.readTree(out.resolve("_packbert_summary.json").toFile());
    }
  }

  static void assertSameAsClean(Map<String, JsonNode> rows, JsonNode summary, Kill k)
      throws Exception {
    reference();
    int slices = summary.get("slices").asInt();
    assertEquals(6, slices, "300 documents in slices of ~50");
    assertTrue(k.slicesAtKill() < slices, "the kill came before the last slice");
    assertEquals(k.slicesAtKill(), summary.get("slices_resumed").asInt(), "committed slices kept");
    double worst = ClusterSupport.maxDifferenceOfSameRows(reference, rows, List.of("mean"));
    assertTrue(worst <= 1e-5, "max |Δ| " + worst);
    System.out.printf(
        "%d rows = the clean run's, max |Δ| %.2e, counts equal%n", rows.size(), worst);
    for (String f : RunCounts.FIELDS) {
      assertEquals(referenceSummary.get(f), summary.get(f), f);
    }
    assertEquals(reference.size(), summary.get("sentences").asLong());
  }

  /** Rows of a sliced JSON output by "doc_id#sentence_index"; fails on a duplicate. */
  static Map<String, JsonNode> rows(Path dir) throws IOException {
    Map<String, JsonNode> rows = new TreeMap<>();
    try (Stream<Path> w = Files.walk(dir)) {
      for (Path p :
          w.filter(f -> f.getFileName().toString().startsWith("part-"))
              .filter(f -> f.toString().endsWith(".json"))
              .toList()) {
        for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
          JsonNode n = ClusterSupport.JSON.readTree(line);
          String key = n.get("doc_id").asText() + "#" + n.get("sentence_index").asInt();
          assertTrue(rows.put(key, n) == null, "duplicate " + key);
        }
      }
    }
    assertFalse(rows.isEmpty(), "rows in " + dir);
    return rows;
  }

  /**
   * Committed slices as the job counts them: a summary file the kill caught half written (seen once
   * the job had created it, before its bytes were in) does not parse, and its slice is redone.
   */
  static int sliceFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return (int)
          s.filter(p -> p.getFileName().toString().matches("\\d+\\.json"))
              .filter(DriverKillIT::parses)
              .count();
    } catch (IOException e) {
      return 0;
    }
  }

  private static boolean parses(Path file) {
    try {
      JsonNode n = ClusterSupport.JSON.readTree(file.toFile());
      return n != null && n.isObject() && n.size() > 0;
    } catch (IOException e) {
      return false;
    }
  }

  static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }
}
