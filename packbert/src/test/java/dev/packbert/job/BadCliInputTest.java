package dev.packbert.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * User mistakes on the command line end with exit 2 and exactly one line on stderr that names the
 * mistake — before Spark starts wherever the mistake can be seen without reading the input — and
 * leave no output directory behind.
 */
class BadCliInputTest {
  @TempDir static Path tmp;
  static Path text;
  static Path jsonl;

  @BeforeAll
  static void inputs() throws Exception {
    JobRuns.stopLeftoverSpark();
    text =
        Files.writeString(
            tmp.resolve("docs.txt"), "One sentence here. And another.\nSecond document.\n");
    jsonl =
        Files.writeString(
            tmp.resolve("docs.jsonl"), "{\"id\":\"a\",\"body\":\"text in another column\"}\n");
  }

  /** A --config file that sets normalize to something that is not a boolean. */
  private static Path normalizeMaybe() throws java.io.IOException {
    return Files.writeString(tmp.resolve("maybe.conf"), "packbert { normalize = \"maybe\" }\n");
  }

  /** A mistake that needs no look at the input's content: refused before a SparkContext exists. */
  private static void refusedEarly(String mustMention, String... extra) {
    int contexts = JobRuns.SparkStarted.contexts();
    List<String> args = new ArrayList<>(List.of(extra));
    args.addAll(List.of("--conf", JobRuns.SPARK_STARTED_LISTENER));
    refused(mustMention, args.toArray(new String[0]));
    assertEquals(contexts, JobRuns.SparkStarted.contexts(), "refused before Spark started");
  }

  private static void refused(String mustMention, String... extra) {
    Path out = tmp.resolve("out-" + Integer.toHexString(String.join(" ", extra).hashCode()));
    List<String> args =
        new ArrayList<>(List.of("embed", "--output", out.toString(), "--master", "local[1]"));
    args.addAll(List.of(extra));
    if (!args.contains("--model")) {
      args.addAll(List.of("--model", "all-minilm-l6-v2"));
    }
    JobRuns.Result r = JobRuns.run(args.toArray(new String[0]));
    assertEquals(2, r.exit(), r.stderr());
    List<String> lines = r.stderrLines();
    assertEquals(1, lines.size(), "exactly one line on stderr, got: " + r.stderr());
    assertTrue(lines.get(0).startsWith("packbert: "), lines.get(0));
    assertTrue(lines.get(0).contains(mustMention), "'" + mustMention + "' in: " + lines.get(0));
    assertFalse(Files.exists(out), "no output directory: " + out);
  }

  @Test
  void unknownEngineBf16OnOnnxRuntimeAndInt8OnTensorFlow() {
    refusedEarly(
        "--engine: unknown engine 'torch'", "--input", text.toString(), "--engine", "torch");
    refusedEarly(
        "needs --engine tensorflow",
        "--input",
        text.toString(),
        "--engine",
        "onnxruntime",
        "--precision",
        "bf16");
    // int8 alone (TensorFlow, the default engine): one line that names the engine to add
    refusedEarly(
        "--precision int8 needs --engine onnxruntime",
        "--input",
        text.toString(),
        "--precision",
        "int8");
  }

  @Test
  void missingInputFile() {
    refusedEarly("no such file", "--input", tmp.resolve("nope.txt").toString());
  }

  @Test
  void unknownTextColumn() {
    refused("unknown column 'text' (--text-col)", "--input", jsonl.toString());
    refused(
        "unknown column 'missing' (--text-col)",
        "--input",
        jsonl.toString(),
        "--text-col",
        "missing");
  }

  @Test
  void unknownIdColumnGivenExplicitly() {
    refused(
        "unknown column 'key' (--id-col)",
        "--input",
        jsonl.toString(),
        "--text-col",
        "body",
        "--id-col",
        "key");
  }

  @Test
  void textFileReadAsParquet() {
    // only reading the file shows it: Spark starts (which also proves the listener sees a start)
    int contexts = JobRuns.SparkStarted.contexts();
    refused(
        "is not a Parquet file",
        "--input",
        text.toString(),
        "--input-format",
        "parquet",
        "--conf",
        JobRuns.SPARK_STARTED_LISTENER);
    assertEquals(contexts + 1, JobRuns.SparkStarted.contexts());
  }

  @Test
  void maxSeqLengthOverTheModelsPositions() {
    refusedEarly("512", "--input", text.toString(), "--max-seq-length", "1000");
  }

  @Test
  void unknownModelName() {
    refusedEarly(
        "neither a known name", "--input", text.toString(), "--model", "bert-gigantic-cased");
  }

  @Test
  void badFlagsAndValues() throws Exception {
    refusedEarly("--frobnicate", "--input", text.toString(), "--frobnicate");
    refusedEarly("--split 'paragraphs'", "--input", text.toString(), "--split", "paragraphs");
    refusedEarly("--max-seq-length", "--input", text.toString(), "--max-seq-length", "many");
    refusedEarly("--pooling", "--input", text.toString(), "--pooling", "median");
    refusedEarly("--vector-type", "--input", text.toString(), "--vector-type", "sparse");
    refusedEarly(
        "--normalize", "--input", text.toString(), "--config", normalizeMaybe().toString());
    refusedEarly("cannot tell the format", "--input", tmp.resolve("docs.weird").toString());
    refusedEarly("--conf", "--input", text.toString(), "--conf", "novalue");
  }

  @Test
  void missingRequiredOptionAndConfigFile() {
    JobRuns.Result r = JobRuns.run("embed", "--output", tmp.resolve("o").toString());
    assertEquals(2, r.exit());
    assertEquals(1, r.stderrLines().size(), r.stderr());
    assertTrue(r.stderr().contains("--input"), r.stderr());
    refusedEarly(
        "--config", "--input", text.toString(), "--config", tmp.resolve("none.conf").toString());
  }
}
