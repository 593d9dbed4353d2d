package dev.packbert.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Helpers for tests that drive the CLI end to end and read what it left behind. */
public final class JobRuns {
  private JobRuns() {}

  /**
   * Pass {@code --conf spark.extraListeners=} {@link #SPARK_STARTED_LISTENER} to learn whether a
   * run got as far as creating a SparkContext: Spark instantiates the listener while the context
   * starts.
   */
  public static final String SPARK_STARTED_LISTENER =
      "spark.extraListeners=" + SparkStarted.class.getName();

  public static final class SparkStarted extends org.apache.spark.scheduler.SparkListener {
    private static final java.util.concurrent.atomic.AtomicInteger contexts =
        new java.util.concurrent.atomic.AtomicInteger();

    public SparkStarted() {
      contexts.incrementAndGet();
    }

    public static int contexts() {
      return contexts.get();
    }
  }

  /** Exit code and everything the CLI printed to System.err while it ran. */
  public record Result(int exit, String stderr) {
    public List<String> stderrLines() {
      return stderr.lines().filter(l -> !l.isBlank()).toList();
    }
  }

  /**
   * Stops a SparkSession an earlier test class left running in this JVM, so the CLI starts (and is
   * configured by) its own instead of silently reusing that one.
   */
  public static void stopLeftoverSpark() {
    for (scala.Option<org.apache.spark.sql.SparkSession> o :
        List.of(
            org.apache.spark.sql.SparkSession.getActiveSession(),
            org.apache.spark.sql.SparkSession.getDefaultSession())) {
      if (o.isDefined()) {
        o.get().stop();
      }
    }
    org.apache.spark.sql.SparkSession.clearActiveSession();
    org.apache.spark.sql.SparkSession.clearDefaultSession();
  }

  /** Runs the CLI with System.err captured (and still echoed, so a failing test shows it). */
  public static synchronized Result run(String... args) {
    PrintStream original = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream capture = new PrintStream(buf, true, StandardCharsets.UTF_8);
    System.setErr(capture);
    int exit;
    try {
      exit = PackBertCli.execute(args);
    } finally {
      System.setErr(original);
    }
    String err = buf.toString(StandardCharsets.UTF_8);
    original.print(err);
    return new Result(exit, err);
  }

  static JsonNode summary(Path output) throws IOException {
    return new ObjectMapper().readTree(output.resolve("_packbert_summary.json").toFile());
  }

  /**
   * The JSON lines of every part file under dir (Spark's json writer output), slice directories
   * ({@code dir/slice=00001/}) included.
   */
  static List<JsonNode> jsonLines(Path dir) throws IOException {
    ObjectMapper m = new ObjectMapper();
    List<JsonNode> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p :
          s.filter(f -> f.getFileName().toString().startsWith("part-")).sorted().toList()) {
        for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
          if (!line.isBlank()) {
            out.add(m.readTree(line));
          }
        }
      }
    }
    return out;
  }

  /** True if dir holds any data file (a part file anywhere below it). */
  public static boolean hasDataFiles(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return false;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.anyMatch(p -> p.getFileName().toString().startsWith("part-"));
    }
  }
}
