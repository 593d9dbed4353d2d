package dev.packbert.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.packbert.job.PackBertCli;
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
 * Issue 8 item 1, executor loss: on the two-worker standalone cluster the 300-document sample is embedded
 * with {@code --partitions 8}; once an executor JVM is up and the driver reports a non-zero number of
 * embedded sentences, one executor ({@code CoarseGrainedExecutorBackend}, a child of one of OUR workers) is
 * killed with SIGKILL. The job must still exit 0 and write exactly the rows of a clean local[2] run.
 */
class ExecutorLossIT {
  static final Path ROOT = ClusterSupport.ROOT;
  static final Path RUN = ROOT.resolve("target/it-executor-loss");
  static final Pattern PROGRESS = Pattern.compile("([\\d,]+) sentences embedded");

  @Test
  void jobSurvivesAKilledExecutorWithExactlyTheSameRows() throws Exception {
    assumeFalse(Boolean.getBoolean("packbert.cluster.skip"), "-Dpackbert.cluster.skip=true: no cluster jar built");
    ClusterSupport.clusterJar();
    ClusterSupport.deleteRecursively(RUN);
    Files.createDirectories(RUN.resolve("events"));
    Path conf = RUN.resolve("progress.conf");
    Files.writeString(conf, "packbert { progress-seconds = 2 }\n");
    Path input = ROOT.resolve("src/main/resources/sample/europarl-en-300.jsonl");
    List<String> job = List.of("embed", "--input", input.toString(), "--model", "all-minilm-l6-v2",
        "--output-format", "json", "--pooling", "mean", "--partitions", "8", "--config", conf.toString());

    Map<String, String> env = Map.of("PACKBERT_CLUSTER_DIR", RUN.resolve("cluster").toString());
    long killedPid;
    double tExecutor;
    double tProgress;
    double tKill;
    double tEnd;
    long progressAtKill;
    String master = ClusterSupport.startCluster(RUN, env);
    try {
      List<Long> workers = new ArrayList<>();
      for (int i = 1; i <= 2; i++) {
        workers.add(Long.parseLong(Files.readString(RUN.resolve("cluster/worker-" + i + ".pid")).trim()));
      }
      List<String> submit = new ArrayList<>(List.of(ROOT.resolve("deploy/spark-submit.sh").toString(),
          "--master", master, "--total-executor-cores", "2",
          "--conf", "spark.task.maxFailures=8",
          "--conf", "spark.stage.maxConsecutiveAttempts=8",
          "--conf", "spark.eventLog.enabled=true",
          "--conf", "spark.eventLog.dir=" + RUN.resolve("events").toUri()));
      submit.addAll(job);
      submit.addAll(List.of("--output", RUN.resolve("cluster-out").toString()));
      Path out = RUN.resolve("driver.out");
      Path err = RUN.resolve("driver.err");
      ProcessBuilder pb = new ProcessBuilder(submit).directory(ROOT.toFile());
      pb.environment().putAll(env);
      pb.redirectOutput(out.toFile()).redirectError(err.toFile());
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
        assertTrue(executor.isPresent(), "no executor JVM under workers " + workers + "; driver stderr:\n"
            + ClusterSupport.tail(Files.readString(err), 3000));
        tExecutor = secondsSince(t0);
        // 2. work has begun: the driver's progress line counts finished sentences (accumulators of ended tasks)
        progressAtKill = 0;
        while (progressAtKill == 0 && System.nanoTime() < deadline && driver.isAlive()) {
          progressAtKill = lastProgress(Files.readString(err));
          if (progressAtKill == 0) {
            Thread.sleep(250);
          }
        }
        assertTrue(progressAtKill > 0, "no progress line with a non-zero count; driver stderr:\n"
            + ClusterSupport.tail(Files.readString(err), 3000));
        assertTrue(driver.isAlive(), "the job ended before an executor could be killed");
        tProgress = secondsSince(t0);
        // 3. SIGKILL one executor (re-read: the first one may have been replaced meanwhile)
        List<ProcessHandle> now = executors(workers);
        assertFalse(now.isEmpty(), "executors vanished before the kill");
        ProcessHandle victim = now.get(0);
        killedPid = victim.pid();
        Process kill = new ProcessBuilder("kill", "-9", Long.toString(killedPid)).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -9 " + killedPid);
        tKill = secondsSince(t0);
        System.out.printf("killed executor pid %d (of %d executors) at %.1f s, %d sentences embedded by then%n",
            killedPid, now.size(), tKill, progressAtKill);
        assertTrue(driver.isAlive(), "the job was still running when the executor was killed");

        assertTrue(driver.waitFor(300, TimeUnit.SECONDS), "cluster job timed out");
        tEnd = secondsSince(t0);
        String stderr = Files.readString(err);
        System.out.println("driver stderr (tail):\n" + ClusterSupport.tail(stderr, 4000));
        assertEquals(0, driver.exitValue(), "cluster job exit code after losing an executor");
      } finally {
        if (driver.isAlive()) {
          driver.descendants().forEach(ProcessHandle::destroy);
          driver.destroy();
        }
      }
    } finally {
      ClusterSupport.stopCluster(RUN, env);
    }

    List<String> local = new ArrayList<>(job);
    local.addAll(List.of("--output", RUN.resolve("local-out").toString(), "--master", "local[2]"));
    long t1 = System.nanoTime();
    assertEquals(0, PackBertCli.execute(local.toArray(String[]::new)), "local[2] run");
    double tLocal = secondsSince(t1);

    Map<String, JsonNode> cluster = ClusterSupport.sentences(RUN.resolve("cluster-out/sentences")); // fails on duplicates
    Map<String, JsonNode> reference = ClusterSupport.sentences(RUN.resolve("local-out/sentences"));
    long lines = countLines(RUN.resolve("cluster-out/sentences"));
    assertFalse(reference.isEmpty());
    assertEquals(reference.size(), lines, "row count = local[2] sentence count (no duplicates, none missing)");
    assertEquals(reference.keySet(), cluster.keySet(), "same (doc_id, sentence_index) keys");
    double worst = 0;
    for (Map.Entry<String, JsonNode> e : reference.entrySet()) {
      JsonNode a = e.getValue();
      JsonNode b = cluster.get(e.getKey());
      for (String f : List.of("text", "begin", "end", "num_tokens", "truncated")) {
        assertEquals(a.get(f), b.get(f), e.getKey() + " " + f);
      }
      assertEquals(a.get("mean").size(), b.get("mean").size());
      for (int i = 0; i < a.get("mean").size(); i++) {
        worst = Math.max(worst, Math.abs(a.get("mean").get(i).asDouble() - b.get("mean").get(i).asDouble()));
      }
    }
    JsonNode summary = ClusterSupport.JSON.readTree(RUN.resolve("cluster-out/_packbert_summary.json").toFile());
    long docsIn = Files.readAllLines(ROOT.resolve("src/main/resources/sample/europarl-en-300.jsonl")).stream()
        .filter(l -> !l.isBlank()).count();

    // The event log: which executors came and went, where tasks ran, how many failed.
    Set<String> added = new HashSet<>();
    Set<String> removed = new HashSet<>();
    Set<String> ranTasks = new HashSet<>();
    int failedTasks = 0;
    try (Stream<Path> logs = Files.list(RUN.resolve("events"))) {
      for (Path log : logs.toList()) {
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
          JsonNode ev = ClusterSupport.JSON.readTree(line);
          switch (ev.path("Event").asText()) {
            case "SparkListenerExecutorAdded" -> added.add(ev.path("Executor ID").asText());
            case "SparkListenerExecutorRemoved" -> removed.add(ev.path("Executor ID").asText() + ": "
                + ev.path("Removed Reason").asText());
            case "SparkListenerTaskEnd" -> {
              if (!ev.path("Task End Reason").path("Reason").asText().equals("Success")) {
                failedTasks++;
              } else {
                ranTasks.add(ev.path("Task Info").path("Executor ID").asText());
              }
            }
            default -> { }
          }
        }
      }
    }
    System.out.printf("executor loss: %d documents in, %d sentences (local[2]) vs %d rows out (cluster), summary"
            + " sentences %d; killed pid %d; max |cluster - local| = %.3g%n", docsIn, reference.size(), lines,
        summary.get("sentences").asLong(), killedPid, worst);
    System.out.printf("timings: executor up %.1f s, progress %d > 0 at %.1f s, kill at %.1f s, cluster job done"
        + " %.1f s (%.1f s after the kill); local[2] run %.1f s%n", tExecutor, progressAtKill, tProgress, tKill, tEnd,
        tEnd - tKill, tLocal);
    System.out.println("executors added " + added + ", removed " + removed + ", succeeded tasks ran on " + ranTasks
        + ", failed task attempts " + failedTasks);
    assertEquals(reference.size(), summary.get("sentences").asLong(), "summary sentences");
    assertTrue(worst <= 1e-5, "vectors within 1e-5, worst " + worst);
    assertFalse(removed.isEmpty(), "the event log records the executor loss");
    assertTrue(added.size() >= 3 || ranTasks.size() >= 2,
        "a relaunched executor (or the surviving one) finished the job: added " + added + ", ran " + ranTasks);
  }

  /** Executor JVMs that are children of the given worker pids (never another cluster's executors). */
  static List<ProcessHandle> executors(List<Long> workers) {
    List<ProcessHandle> found = new ArrayList<>();
    for (long w : workers) {
      ProcessHandle.of(w).ifPresent(h -> h.descendants().filter(ExecutorLossIT::isExecutor).forEach(found::add));
    }
    return found;
  }

  static boolean isExecutor(ProcessHandle h) {
    try {
      byte[] cmd = Files.readAllBytes(Path.of("/proc/" + h.pid() + "/cmdline"));
      return new String(cmd, StandardCharsets.UTF_8).contains("CoarseGrainedExecutorBackend");
    } catch (Exception e) {
      return h.info().commandLine().map(c -> c.contains("CoarseGrainedExecutorBackend")).orElse(false);
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
        n += Files.readAllLines(p, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).count();
      }
    }
    return n;
  }

  static double secondsSince(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }
}
