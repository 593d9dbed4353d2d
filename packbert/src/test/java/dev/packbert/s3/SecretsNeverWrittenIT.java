package dev.packbert.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.packbert.job.PackBertCli;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Credentials passed as {@code --conf spark.hadoop.fs.s3a.access.key=...} and {@code
 * ...secret.key=...} never appear in anything a run writes: its console (stdout and stderr), its
 * log file (PackBERT at DEBUG, every trace), Spark's event log, or any object in OUTPUT ({@code
 * _packbert_run.json}, the summary, the slice markers, the committer's manifests, the data). Three
 * runs, each a JVM of its own started as {@code bin/packbert} starts one (conf/log4j2.properties,
 * {@code -Dpackbert.log.file}), all with {@code spark.eventLog.enabled=true}: one refused by the
 * storage checks (a wrong secret, itself a marker), one stopped after Spark started (writes to
 * slice 1 denied: 403 AccessDenied from {@link FaultProxy}) and its {@code --resume}, which
 * finishes.
 */
class SecretsNeverWrittenIT {
  static final Path ROOT = Path.of(System.getProperty("packbert.project.dir", ".."));
  static final Path MODULE = Path.of(System.getProperty("packbert.module.dir", "."));
  static final Path RUN = MODULE.resolve("target/it-secrets");
  static final String WRONG_SECRET = "MARKER-wrong-secret-5c1d";

  @Test
  void noCredentialIsWrittenAnywhere() throws Exception {
    deleteRecursively(RUN);
    Path events = Files.createDirectories(RUN.resolve("events"));
    Path log = RUN.resolve("packbert.log");
    List<String> markers =
        List.of(LocalS3Server.SECRET_KEY, LocalS3Server.ACCESS_KEY, WRONG_SECRET);
    try (LocalS3Server s3 = LocalS3Server.start();
        FaultProxy proxy = FaultProxy.start(s3.endpoint())) {
      s3.put(
          "in/europarl-en-24.txt",
          Files.readAllBytes(MODULE.resolve("src/main/resources/sample/europarl-en-24.txt")));
      List<String> job =
          new ArrayList<>(
              List.of(
                  "embed",
                  "--input",
                  s3.uri("in/europarl-en-24.txt"),
                  "--output",
                  s3.uri("out"),
                  "--model",
                  "all-minilm-l6-v2",
                  "--master",
                  "local[2]",
                  "--partitions",
                  "2",
                  "--slice-documents",
                  "8"));
      job.addAll(s3.confArgs(LocalS3Server.magicCommitterSparkConf()));
      job.addAll(
          List.of(
              "--conf",
              "spark.hadoop.fs.s3a.endpoint=" + proxy.endpoint(),
              "--conf",
              "spark.eventLog.enabled=true",
              "--conf",
              "spark.eventLog.dir=" + events.toUri(),
              "--conf",
              "spark.ui.enabled=false"));

      // 1. refused by the checks: a wrong secret
      List<String> wrong = new ArrayList<>(job);
      wrong.addAll(List.of("--conf", "spark.hadoop.fs.s3a.secret.key=" + WRONG_SECRET));
      Child refused = run("refused", wrong, log);
      assertEquals(2, refused.exit(), refused.stderr());
      assertTrue(refused.stderr().contains("access denied (HTTP 403)"), refused.stderr());

      // 2. stopped after Spark started: slice 1's writes are denied
      FaultProxy.Rule deny =
          proxy.add(
              FaultProxy.Rule.on("PUT|POST", "/out/sentences/slice%3D00001/")
                  .error(403, "AccessDenied", "Access Denied")
                  .times(Integer.MAX_VALUE));
      Child stopped = run("stopped", job, log);
      proxy.clearRules();
      assertEquals(2, stopped.exit(), stopped.stderr());
      assertTrue(deny.injected() > 0);
      assertTrue(
          stopped.stderr().contains("access denied: these credentials may not write to it"),
          stopped.stderr());

      // 3. its --resume finishes
      List<String> resume = new ArrayList<>(job);
      resume.add("--resume");
      Child finished = run("finished", resume, log);
      assertEquals(0, finished.exit(), finished.stderr());
      assertTrue(finished.stdout().contains("sentences"), finished.stdout());

      // everything written: consoles, the log, event logs, every object of OUTPUT
      List<Path> files = new ArrayList<>();
      try (Stream<Path> w = Files.walk(RUN)) {
        w.filter(Files::isRegularFile).forEach(files::add);
      }
      int eventLogs = 0;
      long bytes = 0;
      for (Path f : files) {
        String text = Files.readString(f, StandardCharsets.ISO_8859_1);
        bytes += text.length();
        eventLogs += f.startsWith(events) ? 1 : 0;
        for (String m : markers) {
          assertFalse(text.contains(m), m + " in " + f);
        }
      }
      assertTrue(eventLogs >= 2, "event logs of the runs that started Spark: " + files);
      List<String> keys = s3.keys("out/");
      assertTrue(keys.contains("out/_packbert_run.json"), keys.toString());
      assertTrue(keys.contains("out/_packbert_summary.json"), keys.toString());
      for (String k : keys) {
        String text = new String(s3.get(k), StandardCharsets.ISO_8859_1);
        bytes += text.length();
        for (String m : markers) {
          assertFalse(text.contains(m), m + " in s3a://BUCKET/" + k);
        }
      }
      // the greps had something to look at: the keys are in the event log, their values redacted,
      // and the log holds the traces the console does not
      String allEvents = concat(files.stream().filter(f -> f.startsWith(events)).toList());
      assertTrue(allEvents.contains("fs.s3a.secret.key"), "the event log names the setting");
      assertTrue(allEvents.contains("*********(redacted)"), "and redacts its value");
      String logText = Files.readString(log);
      assertTrue(logText.contains("AccessDeniedException"), "the log has the causes' traces");
      assertTrue(logText.contains("\tat "), "with stack frames");
      for (Child c : List.of(refused, stopped, finished)) {
        assertFalse(c.stderr().contains("\tat "), "no stack trace on the console: " + c.stderr());
      }
      System.out.printf(
          "no credential in %d files (%d event logs) and %d objects, %d bytes in all%n",
          files.size(), eventLogs, keys.size(), bytes);
    }
  }

  record Child(int exit, String stdout, String stderr) {}

  /** Runs the CLI in a JVM of its own, as bin/packbert does, with the console to files. */
  static Child run(String name, List<String> args, Path log) throws Exception {
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
    cmd.add("-Dlog4j2.configurationFile=" + ROOT.resolve("conf/log4j2.properties"));
    cmd.add("-Dpackbert.log.file=" + log);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(PackBertCli.class.getName());
    cmd.addAll(args);
    Path out = RUN.resolve(name + ".stdout");
    Path err = RUN.resolve(name + ".stderr");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile());
    pb.environment().putAll(Map.of("TF_CPP_MIN_LOG_LEVEL", "2"));
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    long t0 = System.nanoTime();
    Process p = pb.start();
    try {
      assertTrue(p.waitFor(400, TimeUnit.SECONDS), name + " finished within 400 s");
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
    Child c = new Child(p.exitValue(), Files.readString(out), Files.readString(err));
    System.out.printf(
        "%s: exit %d in %.1f s; stderr:%n%s%n",
        name, c.exit(), (System.nanoTime() - t0) / 1e9, c.stderr());
    return c;
  }

  static String concat(List<Path> files) throws IOException {
    StringBuilder b = new StringBuilder();
    for (Path f : files) {
      b.append(Files.readString(f, StandardCharsets.ISO_8859_1));
    }
    return b.toString();
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> w = Files.walk(dir)) {
      for (Path p : w.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
