package dev.packbert.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.packbert.job.PackBertCli;
import dev.packbert.s3.LocalS3Server;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 8 item 1, executor loss: on the two-worker standalone cluster the 300-document sample is
 * embedded with {@code --partitions 8}; once an executor JVM is up and the driver reports a
 * non-zero number of embedded sentences, one executor ({@code CoarseGrainedExecutorBackend}, a
 * child of one of OUR workers) is killed with SIGKILL. The job must still exit 0 and write exactly
 * the rows of a clean local[2] run; once with local output, once from and to the local S3 server
 * through the S3A magic committer.
 */
class ExecutorLossIT {
  static final Path ROOT = ClusterSupport.ROOT;
  static final Path RUN = ClusterSupport.MODULE.resolve("target/it-executor-loss");
  static final Path INPUT =
      ClusterSupport.MODULE.resolve("src/main/resources/sample/europarl-en-300.jsonl");
  static final Pattern PROGRESS = Pattern.compile("([\\d,]+) sentences embedded");

  /** The clean local[2] run both tests compare with, made once. */
  private static Map<String, JsonNode> reference;

  private static double referenceSeconds;

  @Test
  void jobSurvivesAKilledExecutorWithExactlyTheSameRows() throws Exception {
    assumeFalse(
        Boolean.getBoolean("packbert.cluster.skip"),
        "-Dpackbert.cluster.skip=true: no cluster jar built");
    Path run = RUN.resolve("local-output");
    KillRun k =
        submitAndKillOneExecutor(
            run,
            List.of(),
            // with --dedupe: its distinct units are recomputed after the kill, and must land on the
            // same partitions (a key once moved there was embedded and written twice)
            job(INPUT.toString(), run.resolve("cluster-out").toString(), "--dedupe"));

    Map<String, JsonNode> cluster =
        ClusterSupport.sentences(run.resolve("cluster-out/sentences")); // fails on duplicates
    long lines = countLines(run.resolve("cluster-out/sentences"));
    JsonNode summary =
        ClusterSupport.JSON.readTree(run.resolve("cluster-out/_packbert_summary.json").toFile());
    assertSameRows(k, cluster, lines, summary);
  }

  /**
   * The same kill, with input and output on the local S3 server (S3Proxy in this JVM, reached by
   * the cluster's executors over 127.0.0.1) and the output committed by the S3A magic committer.
   * s3a is not in the cluster jar (a cluster brings its own), so hadoop-aws, its AWS SDK bundle and
   * spark-hadoop-cloud go along as --jars, as a user's --packages would. A task attempt that dies
   * with its executor leaves only uncommitted multipart uploads; the job commit must publish
   * exactly one file per partition.
   */
  @Test
  void killedExecutorLosesAndDuplicatesNothingThroughTheMagicCommitter() throws Exception {
    assumeFalse(
        Boolean.getBoolean("packbert.cluster.skip"),
        "-Dpackbert.cluster.skip=true: no cluster jar built");
    Path run = RUN.resolve("s3a-output");
    try (LocalS3Server s3 = LocalS3Server.start()) {
      s3.put("in/europarl-en-300.jsonl", Files.readAllBytes(INPUT));
      List<String> submit = new ArrayList<>(List.of("--jars", String.join(",", s3aJars())));
      s3.confArgs(LocalS3Server.magicCommitterSparkConf()).forEach(submit::add);
      KillRun k =
          submitAndKillOneExecutor(
              run, submit, job(s3.uri("in/europarl-en-300.jsonl"), s3.uri("out")));

      List<String> keys = s3.keys("out/");
      System.out.println(
          "s3a output keys: "
              + keys.size()
              + ", e.g. "
              + keys.subList(0, Math.min(12, keys.size())));
      assertTrue(
          keys.stream().noneMatch(key -> key.contains("__magic")),
          "magic paths cleaned up: " + keys);
      JsonNode success = ClusterSupport.JSON.readTree(s3.get("out/sentences/_SUCCESS"));
      assertEquals(
          "magic",
          success.path("committer").asText(),
          "committed by the magic committer: " + success);
      Path local = run.resolve("cluster-out/sentences");
      Files.createDirectories(local);
      List<String> parts =
          keys.stream()
              .filter(key -> key.startsWith("out/sentences/") && key.endsWith(".json"))
              .toList();
      for (String key : parts) {
        Files.write(local.resolve(key.substring(key.lastIndexOf('/') + 1)), s3.get(key));
      }
      assertEquals(
          parts.size(),
          success.path("filenames").size(),
          "the manifest lists every published part: " + success);
      Map<String, JsonNode> cluster = ClusterSupport.sentences(local); // fails on duplicates
      long lines = countLines(local);
      JsonNode summary = ClusterSupport.JSON.readTree(s3.get("out/_packbert_summary.json"));
      assertSameRows(k, cluster, lines, summary);
    }
  }

  static List<String> job(String input, String output, String... extra) throws Exception {
    Files.createDirectories(RUN);
    Path conf = RUN.resolve("progress.conf");
    Files.writeString(conf, "packbert { progress-seconds = 2 }\n");
    List<String> args =
        new ArrayList<>(
            List.of(
                "embed",
                "--input",
                input,
                "--model",
                "all-minilm-l6-v2",
                "--output-format",
                "json",
                "--pooling",
                "mean",
                "--partitions",
                "8",
                "--config",
                conf.toString(),
                "--output",
                output));
    args.addAll(List.of(extra));
    return args;
  }

  /**
   * hadoop-aws, the AWS SDK bundle it was built with and spark-hadoop-cloud (the commit protocol),
   * from this classpath.
   */
  static List<String> s3aJars() {
    List<String> jars = new ArrayList<>();
    for (String name : List.of("hadoop-aws-", "aws-java-sdk-bundle-", "spark-hadoop-cloud_")) {
      jars.add(
          Stream.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
              .filter(
                  j -> Path.of(j).getFileName().toString().startsWith(name) && j.endsWith(".jar"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no " + name + "*.jar on the test classpath")));
    }
    return jars;
  }

  /** When things happened in a kill run, in seconds after the submit. */
  record KillRun(
      Path dir,
      long killedPid,
      int executorsAtKill,
      long progressAtKill,
      double tExecutor,
      double tProgress,
      double tKill,
      double tEnd) {}

  /**
   * Starts the two-worker cluster in {@code dir}, submits {@code job} with {@code submitOptions},
   * SIGKILLs one executor once the driver reports embedded sentences, and asserts the job still
   * exits 0.
   */
  static KillRun submitAndKillOneExecutor(Path dir, List<String> submitOptions, List<String> job)
      throws Exception {
    ClusterSupport.clusterJar();
    ClusterSupport.deleteRecursively(dir);
    Files.createDirectories(dir.resolve("events"));
    Map<String, String> env = Map.of("PACKBERT_CLUSTER_DIR", dir.resolve("cluster").toString());
    String master = ClusterSupport.startCluster(dir, env);
    try {
      List<Long> workers = new ArrayList<>();
      for (int i = 1; i <= 2; i++) {
        workers.add(
            Long.parseLong(Files.readString(dir.resolve("cluster/worker-" + i + ".pid")).trim()));
      }
      List<String> submit =
          new ArrayList<>(
              List.of(
                  ROOT.resolve("deploy/spark-submit.sh").toString(),
                  "--master",
                  master,
                  "--total-executor-cores",
                  "2",
                  "--conf",
                  "spark.task.maxFailures=8",
                  "--conf",
                  "spark.stage.maxConsecutiveAttempts=8",
                  "--conf",
                  "spark.eventLog.enabled=true",
                  "--conf",
                  "spark.eventLog.dir=" + dir.resolve("events").toUri()));
      submit.addAll(submitOptions);
      submit.addAll(job);
      Path err = dir.resolve("driver.err");
      ProcessBuilder pb = new ProcessBuilder(submit).directory(ROOT.toFile());
      pb.environment().putAll(env);
      pb.redirectOutput(dir.resolve("driver.out").toFile()).redirectError(err.toFile());
      long t0 = System.nanoTime();
      Process driver = pb.start();
      try {
        // 1. an executor JVM of our own cluster
        Optional<ProcessHandle> executor = Optional.empty();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
        while (executor.isEmpty() && System.nanoTime() < deadline && driver.isAlive()) {
          executor = executors(workers).stream().findFirst();
          if (executor.isEmpty()) {
            Thread.sleep(200);
          }
        }
        assertTrue(
            executor.isPresent(),
            "no executor JVM under workers "
                + workers
                + "; driver stderr:\n"
                + ClusterSupport.tail(Files.readString(err), 3000));
        double tExecutor = secondsSince(t0);
        // 2. work has begun: the driver's progress line counts embedded sentences
        long progress = 0;
        while (progress == 0 && System.nanoTime() < deadline && driver.isAlive()) {
          progress = lastProgress(Files.readString(err));
          if (progress == 0) {
            Thread.sleep(250);
          }
        }
        assertTrue(
            progress > 0,
            "no progress line with a non-zero count; driver stderr:\n"
                + ClusterSupport.tail(Files.readString(err), 3000));
        assertTrue(driver.isAlive(), "the job ended before an executor could be killed");
        double tProgress = secondsSince(t0);
        // 3. SIGKILL one executor (re-read: the first one may have been replaced meanwhile)
        List<ProcessHandle> now = executors(workers);
        assertFalse(now.isEmpty(), "executors vanished before the kill");
        long killed = now.get(0).pid();
        Process kill = new ProcessBuilder("kill", "-9", Long.toString(killed)).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -9 " + killed);
        double tKill = secondsSince(t0);
        System.out.printf(
            "killed executor pid %d (of %d executors) at %.1f s, %d sentences embedded by then%n",
            killed, now.size(), tKill, progress);
        assertTrue(driver.isAlive(), "the job was still running when the executor was killed");

        assertTrue(driver.waitFor(300, TimeUnit.SECONDS), "cluster job timed out");
        double tEnd = secondsSince(t0);
        System.out.println(
            "driver stderr (tail):\n" + ClusterSupport.tail(Files.readString(err), 4000));
        assertEquals(0, driver.exitValue(), "cluster job exit code after losing an executor");
        return new KillRun(dir, killed, now.size(), progress, tExecutor, tProgress, tKill, tEnd);
      } finally {
        if (driver.isAlive()) {
          driver.descendants().forEach(ProcessHandle::destroy);
          driver.destroy();
        }
      }
    } finally {
      ClusterSupport.stopCluster(dir, env);
    }
  }

  /** The clean run: the same job on local[2] with local input and output, once per test class. */
  static synchronized Map<String, JsonNode> reference() throws Exception {
    if (reference == null) {
      Path out = RUN.resolve("local-reference");
      ClusterSupport.deleteRecursively(out);
      List<String> local = new ArrayList<>(job(INPUT.toString(), out.toString()));
      local.addAll(List.of("--master", "local[2]"));
      long t1 = System.nanoTime();
      assertEquals(0, PackBertCli.execute(local.toArray(String[]::new)), "local[2] run");
      referenceSeconds = secondsSince(t1);
      reference = ClusterSupport.sentences(out.resolve("sentences"));
      assertFalse(reference.isEmpty());
    }
    return reference;
  }

  /**
   * Exactly one row per sentence of the clean run, equal text, offsets and vectors; the event log
   * shows the loss.
   */
  static void assertSameRows(KillRun k, Map<String, JsonNode> cluster, long lines, JsonNode summary)
      throws Exception {
    Map<String, JsonNode> reference = reference();
    assertEquals(
        reference.size(),
        lines,
        "row count = local[2] sentence count (no duplicates, none missing)");
    double worst = ClusterSupport.maxDifferenceOfSameRows(reference, cluster, List.of("mean"));
    long docsIn = Files.readAllLines(INPUT).stream().filter(l -> !l.isBlank()).count();

    // The event log: which executors came and went, where tasks ran, how many failed.
    Set<String> added = new HashSet<>();
    Set<String> removed = new HashSet<>();
    Set<String> ranTasks = new HashSet<>();
    int failedTasks = 0;
    try (Stream<Path> logs = Files.list(k.dir().resolve("events"))) {
      for (Path log : logs.toList()) {
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
          JsonNode ev = ClusterSupport.JSON.readTree(line);
          switch (ev.path("Event").asText()) {
            case "SparkListenerExecutorAdded" -> added.add(ev.path("Executor ID").asText());
            case "SparkListenerExecutorRemoved" ->
                removed.add(
                    ev.path("Executor ID").asText() + ": " + ev.path("Removed Reason").asText());
            case "SparkListenerTaskEnd" -> {
              if (!ev.path("Task End Reason").path("Reason").asText().equals("Success")) {
                failedTasks++;
              } else {
                ranTasks.add(ev.path("Task Info").path("Executor ID").asText());
              }
            }
            default -> {}
          }
        }
      }
    }
    System.out.printf(
        "executor loss (%s): %d documents in, %d sentences (local[2]) vs %d rows out (cluster), summary"
            + " sentences %d; killed pid %d; max |cluster - local| = %.3g%n",
        k.dir().getFileName(),
        docsIn,
        reference.size(),
        lines,
        summary.get("sentences").asLong(),
        k.killedPid(),
        worst);
    System.out.printf(
        "timings: executor up %.1f s, progress %d > 0 at %.1f s, kill at %.1f s, cluster job done"
            + " %.1f s (%.1f s after the kill); local[2] run %.1f s%n",
        k.tExecutor(),
        k.progressAtKill(),
        k.tProgress(),
        k.tKill(),
        k.tEnd(),
        k.tEnd() - k.tKill(),
        referenceSeconds);
    System.out.println(
        "executors added "
            + added
            + ", removed "
            + removed
            + ", succeeded tasks ran on "
            + ranTasks
            + ", failed task attempts "
            + failedTasks);
    assertEquals(reference.size(), summary.get("sentences").asLong(), "summary sentences");
    assertTrue(worst <= 1e-5, "vectors within 1e-5, worst " + worst);
    assertFalse(removed.isEmpty(), "the event log records the executor loss");
    assertTrue(
        added.size() >= 3 || ranTasks.size() >= 2,
        "a relaunched executor (or the surviving one) finished the job: added "
            + added
            + ", ran "
            + ranTasks);
  }

  /**
   * Executor JVMs that are children of the given worker pids (never another cluster's executors).
   */
  static List<ProcessHandle> executors(List<Long> workers) {
    List<ProcessHandle> found = new ArrayList<>();
    for (long w : workers) {
      ProcessHandle.of(w)
          .ifPresent(h -> h.descendants().filter(ExecutorLossIT::isExecutor).forEach(found::add));
    }
    return found;
  }

  static boolean isExecutor(ProcessHandle h) {
    try {
      byte[] cmd = Files.readAllBytes(Path.of("/proc/" + h.pid() + "/cmdline"));
      return new String(cmd, StandardCharsets.UTF_8).contains("CoarseGrainedExecutorBackend");
    } catch (Exception e) {
      return h.info()
          .commandLine()
          .map(c -> c.contains("CoarseGrainedExecutorBackend"))
          .orElse(false);
    }
  }

  static long lastProgress(String stderr) {
    Matcher m = PROGRESS.matcher(stderr);
    long last = 0;
    while (m.find()) {
      last = Long.parseLong(m.group(1).replace(",", ""));
    }
    return last;
  }

  static long countLines(Path dir) throws Exception {
    long n = 0;
    try (Stream<Path> parts = Files.list(dir)) {
      for (Path p : parts.filter(f -> f.getFileName().toString().endsWith(".json")).toList()) {
        n +=
            Files.readAllLines(p, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isBlank())
                .count();
      }
    }
    return n;
  }

  static double secondsSince(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }
}
