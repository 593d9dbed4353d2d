package dev.packbert.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the cluster integration tests share: the project root, running commands, reading JSON
 * output.
 */
final class ClusterSupport {
  /** The repository's root: conf/, deploy/, notebooks/. */
  static final Path ROOT =
      Path.of(System.getProperty("packbert.project.dir", "..")).toAbsolutePath().normalize();

  /** The product module: its sources, its sample, its target/ (cluster jar, run directories). */
  static final Path MODULE =
      Path.of(System.getProperty("packbert.module.dir", ".")).toAbsolutePath().normalize();

  static final ObjectMapper JSON = new ObjectMapper();

  private ClusterSupport() {}

  static Path clusterJar() throws IOException {
    try (Stream<Path> s = Files.list(MODULE.resolve("target"))) {
      return s.filter(p -> p.getFileName().toString().matches("packbert-.*-cluster(-gpu)?\\.jar"))
          .findFirst()
          .orElseThrow(
              () ->
                  new AssertionError("no packbert/target/packbert-*-cluster.jar: run mvn package"));
    }
  }

  /**
   * deploy/local-cluster.sh start with its run dir in {@code clusterDir}; returns the master URL.
   */
  static String startCluster(Path tmp, Map<String, String> env) throws Exception {
    List<String> started =
        run(tmp, List.of(ROOT.resolve("deploy/local-cluster.sh").toString(), "start"), env, 120);
    String master = started.get(started.size() - 1).trim();
    assertTrue(
        master.matches("spark://127\\.0\\.0\\.1:\\d+"), "last line is the master URL: " + master);
    return master;
  }

  static void stopCluster(Path tmp, Map<String, String> env) throws Exception {
    run(tmp, List.of(ROOT.resolve("deploy/local-cluster.sh").toString(), "stop"), env, 60);
  }

  /** Rows of a JSON-lines output directory by "doc_id#sentence_index"; fails on a duplicate key. */
  static Map<String, JsonNode> sentences(Path dir) throws IOException {
    Map<String, JsonNode> rows = new TreeMap<>();
    try (Stream<Path> parts = Files.list(dir)) {
      for (Path p : parts.filter(f -> f.getFileName().toString().endsWith(".json")).toList()) {
        for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
          JsonNode n = JSON.readTree(line);
          String key = n.get("doc_id").asText() + "#" + n.get("sentence_index").asInt();
          assertTrue(rows.put(key, n) == null, "duplicate " + key);
        }
      }
    }
    return rows;
  }

  /**
   * Asserts that {@code cluster} has exactly {@code reference}'s sentences with equal text,
   * offsets, token counts and truncation flags; returns the largest difference of any {@code
   * poolings} vector component.
   */
  static double maxDifferenceOfSameRows(
      Map<String, JsonNode> reference, Map<String, JsonNode> cluster, List<String> poolings) {
    assertEquals(reference.keySet(), cluster.keySet(), "same (doc_id, sentence_index) keys");
    double worst = 0;
    for (Map.Entry<String, JsonNode> e : reference.entrySet()) {
      JsonNode a = e.getValue();
      JsonNode b = cluster.get(e.getKey());
      for (String f : List.of("text", "begin", "end", "num_tokens", "truncated")) {
        assertEquals(a.get(f), b.get(f), e.getKey() + " " + f);
      }
      for (String pooling : poolings) {
        assertEquals(
            a.get(pooling).size(), b.get(pooling).size(), e.getKey() + " " + pooling + " size");
        for (int i = 0; i < a.get(pooling).size(); i++) {
          worst =
              Math.max(
                  worst,
                  Math.abs(a.get(pooling).get(i).asDouble() - b.get(pooling).get(i).asDouble()));
        }
      }
    }
    return worst;
  }

  /**
   * Runs a command (temp output files in {@code tmp}), echoes its output, fails on a non-zero exit;
   * returns stdout.
   */
  static List<String> run(Path tmp, List<String> cmd, Map<String, String> env, int seconds)
      throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile());
    pb.environment().putAll(env);
    Path out = Files.createTempFile(tmp, "cmd", ".out");
    Path err = Files.createTempFile(tmp, "cmd", ".err");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    boolean done = p.waitFor(seconds, TimeUnit.SECONDS);
    if (!done) {
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
    }
    String stderr = Files.readString(err);
    List<String> lines = Files.readAllLines(out);
    System.out.println(
        "$ " + String.join(" ", cmd) + "\n" + String.join("\n", lines) + "\n" + tail(stderr, 3000));
    assertTrue(done, "timed out after " + seconds + " s: " + cmd);
    assertEquals(0, p.exitValue(), "exit code of " + cmd);
    return lines;
  }

  static String tail(String s, int n) {
    return s.length() <= n ? s : s.substring(s.length() - n);
  }

  static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> w = Files.walk(p)) {
      w.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
