package dev.packbert.bench;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.packbert.engine.BertSignature;
import dev.packbert.engine.onnx.OnnxBertGraph;
import dev.packbert.engine.onnx.OnnxRuntimeEngine;
import dev.packbert.engine.tensorflow.TensorFlowEngine;
import dev.packbert.model.BertWeights;
import dev.packbert.model.EngineKind;
import dev.packbert.model.EngineOptions;
import dev.packbert.model.PackedBatch;
import dev.packbert.model.Packing;
import dev.packbert.model.Pooling;
import dev.packbert.model.ReferenceTexts;
import dev.packbert.weights.ModelLoader;
import dev.packbert.weights.ModelRegistry;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A benchmark, not a test (speed is never asserted): token slots per second of the TensorFlow
 * engine, the ONNX Runtime engine, and plain ONNX Runtime on the model's own .onnx, all at the same
 * [rows, 128] shapes of packed europarl sentences, alternated round by round; then each runtime's
 * own per-op profile of one batch. Prints tables.
 *
 * <pre>
 * java -cp packbert-bench/target/test-classes:packbert/target/test-classes:packbert-bench/target/classes:\
 *   packbert/target/classes:$(cat packbert-bench/target/packbert.classpath) dev.packbert.bench.EngineSlotRate MODEL OWN.onnx [rounds] [rowsPerBatch] [threads]
 * </pre>
 */
public final class EngineSlotRate {
  private static final int L = 128;

  private EngineSlotRate() {}

  interface Runner {
    void run(PackedBatch b) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    String model = args[0];
    Path ownOnnx = Path.of(args[1]);
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    int rowsPerBatch = args.length > 3 ? Integer.parseInt(args[3]) : 32;
    int threads = args.length > 4 ? Integer.parseInt(args[4]) : 2;
    Path dir = Files.isDirectory(Path.of(model)) ? Path.of(model) : ModelRegistry.resolve(model);
    BertWeights w = ModelLoader.weights(dir);
    List<int[]> sentences = new ArrayList<>();
    try (HuggingFaceTokenizer tok = ReferenceTexts.uncasedTokenizer()) {
      for (String s : ReferenceTexts.europarlSentences(rowsPerBatch * 4 * 5)) {
        int[] ids = ReferenceTexts.ids(tok, s);
        sentences.add(ids.length > L ? Arrays.copyOf(ids, L) : ids);
      }
    }
    List<PackedBatch> batches = slices(Packing.greedy(sentences, L), rowsPerBatch);
    batches = batches.subList(0, Math.min(4, batches.size()));
    long slots = batches.stream().mapToLong(b -> (long) b.rows * b.length).sum();
    System.out.printf(
        Locale.ROOT,
        "model %s: %d layers, H %d; %d batches of %d x %d (%d slots per round), %d threads, load %s%n",
        model,
        w.config().numLayers(),
        w.config().hiddenSize(),
        batches.size(),
        rowsPerBatch,
        L,
        slots,
        threads,
        Files.readString(Path.of("/proc/loadavg")).trim());

    OrtEnvironment env = OrtEnvironment.getEnvironment();
    byte[] own = Files.readAllBytes(ownOnnx);
    EnumSet<Pooling> mean = EnumSet.of(Pooling.MEAN);
    try (TensorFlowEngine tf = new TensorFlowEngine(w, EngineOptions.cpu(threads));
        OnnxRuntimeEngine ort =
            new OnnxRuntimeEngine(
                w, EngineOptions.cpu(threads).withEngine(EngineKind.ONNXRUNTIME));
        OrtSession.SessionOptions so = plainOptions(threads, true);
        OrtSession plain = env.createSession(own, so);
        OrtSession.SessionOptions quiet = plainOptions(threads, false);
        OrtSession plainQuiet = env.createSession(own, quiet);
        OrtSession oursSpinning = env.createSession(OnnxBertGraph.modelBytes(w, true), so)) {
      Map<String, Runner> runners = new LinkedHashMap<>();
      runners.put("tensorflow engine", b -> tf.embed(b, mean));
      runners.put("onnxruntime engine", b -> ort.embed(b, mean));
      runners.put("plain ORT, model's own .onnx", b -> runOwn(env, plain, b));
      runners.put("PackBERT's ONNX graph, ORT spinning on", b -> runOurs(env, oursSpinning, b));
      runners.put("plain ORT, own .onnx, spinning off", b -> runOwn(env, plainQuiet, b));
      Map<String, long[]> nanos = new LinkedHashMap<>();
      List<String> names = new ArrayList<>(runners.keySet());
      for (String n : names) {
        for (int i = 0; i < 2; i++) {
          runners.get(n).run(batches.get(0));
        }
        nanos.put(n, new long[rounds]);
      }
      for (int r = 0; r < rounds; r++) {
        for (int k = 0; k < names.size(); k++) {
          String n = names.get((r + k) % names.size());
          long t0 = System.nanoTime();
          for (PackedBatch b : batches) {
            runners.get(n).run(b);
          }
          nanos.get(n)[r] = System.nanoTime() - t0;
        }
      }
      double ref = median(nanos.get(names.get(2)));
      System.out.println(
          "| engine | slots/s (median of rounds) | min–max | per slot vs plain ORT |");
      System.out.println("|---|---|---|---|");
      for (String n : names) {
        long[] t = nanos.get(n).clone();
        Arrays.sort(t);
        System.out.printf(
            Locale.ROOT,
            "| %s | %.0f | %.0f–%.0f | %.2f× |%n",
            n,
            slots / (median(t) / 1e9),
            slots / (t[t.length - 1] / 1e9),
            slots / (t[0] / 1e9),
            ref / median(t));
      }
      System.out.println("load after: " + Files.readString(Path.of("/proc/loadavg")).trim());
      System.out.println();
      System.out.println("TensorFlow profile (one batch, µs by op type):");
      tf.embed(batches.get(0), mean);
      printTop(tf.profile(batches.get(0), EnumSet.of(BertSignature.Output.HIDDEN)));
    }
    System.out.println("ONNX Runtime engine profile (one batch, µs by op type):");
    printTop(ortProfile(env, OnnxBertGraph.modelBytes(w, true), threads, batches.get(0), true));
    System.out.println("plain ORT on the model's own .onnx (one batch, µs by op type):");
    printTop(ortProfile(env, own, threads, batches.get(0), false));
  }

  private static OrtSession.SessionOptions plainOptions(int threads, boolean spin)
      throws Exception {
    OrtSession.SessionOptions so = new OrtSession.SessionOptions();
    so.addConfigEntry("session.intra_op.allow_spinning", spin ? "1" : "0");
    so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    so.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
    so.setIntraOpNumThreads(threads);
    so.setInterOpNumThreads(1);
    return so;
  }

  /** The model's own graph on the same [rows, L] ids, 2D mask = real tokens. */
  private static void runOwn(OrtEnvironment env, OrtSession s, PackedBatch b) throws Exception {
    int n = b.rows * b.length;
    long[] ids = new long[n];
    long[] mask = new long[n];
    for (int i = 0; i < n; i++) {
      ids[i] = b.inputIds[i];
      mask[i] = b.segmentIds[i] != 0 ? 1 : 0;
    }
    long[] shape = {b.rows, b.length};
    try (OnnxTensor in = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
        OnnxTensor m = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
        OnnxTensor t = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[n]), shape);
        OrtSession.Result r =
            s.run(Map.of("input_ids", in, "attention_mask", m, "token_type_ids", t))) {
      ((OnnxTensor) r.get(0)).getFloatBuffer();
    }
  }

  private static Map<String, Long> ortProfile(
      OrtEnvironment env, byte[] model, int threads, PackedBatch b, boolean ours) throws Exception {
    Path prefix = Files.createTempDirectory("ortprof").resolve("p");
    String profile;
    try (OrtSession.SessionOptions so = plainOptions(threads, true)) {
      so.enableProfiling(prefix.toString());
      try (OrtSession s = env.createSession(model, so)) {
        for (int i = 0; i < 2; i++) {
          if (ours) {
            runOurs(env, s, b);
          } else {
            runOwn(env, s, b);
          }
        }
        profile = s.endProfiling();
      }
    }
    JsonNode events = new ObjectMapper().readTree(Path.of(profile).toFile());
    Map<String, Long> byOp = new LinkedHashMap<>();
    for (JsonNode e : events) {
      if ("Node".equals(e.path("cat").asText())
          && e.path("name").asText().endsWith("_kernel_time")) {
        byOp.merge(e.path("args").path("op_name").asText(), e.path("dur").asLong() / 2, Long::sum);
      }
    }
    Map<String, Long> sorted = new LinkedHashMap<>();
    byOp.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }

  private static void runOurs(OrtEnvironment env, OrtSession s, PackedBatch b) throws Exception {
    long[] tokens = {b.rows, b.length};
    int[] cls = new int[b.sentences()];
    try (OnnxTensor ids = ints(env, b.inputIds, tokens);
        OnnxTensor types = ints(env, b.tokenTypeIds, tokens);
        OnnxTensor pos = ints(env, b.positionIds, tokens);
        OnnxTensor c = ints(env, cls, new long[] {cls.length});
        OnnxTensor m =
            OnnxTensor.createTensor(
                env,
                java.nio.FloatBuffer.wrap(b.attentionMask()),
                new long[] {b.rows, b.length, b.length});
        OrtSession.Result r =
            s.run(
                Map.of(
                    BertSignature.INPUT_IDS, ids,
                    BertSignature.TOKEN_TYPE_IDS, types,
                    BertSignature.POSITION_IDS, pos,
                    BertSignature.ATTENTION_MASK, m,
                    BertSignature.CLS_INDEX, c),
                Set.of(BertSignature.Output.HIDDEN.tensor()))) {
      r.get(0);
    }
  }

  private static OnnxTensor ints(OrtEnvironment env, int[] v, long[] shape) throws Exception {
    return OnnxTensor.createTensor(env, java.nio.IntBuffer.wrap(v), shape);
  }

  private static void printTop(Map<String, Long> byOp) {
    long total = byOp.values().stream().mapToLong(Long::longValue).sum();
    byOp.entrySet().stream()
        .limit(10)
        .forEach(
            e ->
                System.out.printf(
                    Locale.ROOT,
                    "  %-28s %9d µs  %5.1f %%%n",
                    e.getKey(),
                    e.getValue(),
                    100.0 * e.getValue() / total));
    System.out.printf(Locale.ROOT, "  %-28s %9d µs%n", "total", total);
  }

  private static double median(long[] t) {
    long[] c = t.clone();
    Arrays.sort(c);
    return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2.0;
  }

  /** Consecutive row ranges of a packed batch as batches of their own. */
  static List<PackedBatch> slices(PackedBatch p, int rows) {
    List<PackedBatch> out = new ArrayList<>();
    for (int r0 = 0; r0 + rows <= p.rows; r0 += rows) {
      int from = r0 * p.length;
      int to = (r0 + rows) * p.length;
      List<Integer> s = new ArrayList<>();
      for (int k = 0; k < p.sentences(); k++) {
        if (p.sentenceRow[k] >= r0 && p.sentenceRow[k] < r0 + rows) {
          s.add(k);
        }
      }
      int[] row = new int[s.size()];
      int[] off = new int[s.size()];
      int[] len = new int[s.size()];
      for (int i = 0; i < s.size(); i++) {
        row[i] = p.sentenceRow[s.get(i)] - r0;
        off[i] = p.sentenceOffset[s.get(i)];
        len[i] = p.sentenceLength[s.get(i)];
      }
      out.add(
          new PackedBatch(
              rows,
              p.length,
              Arrays.copyOfRange(p.inputIds, from, to),
              Arrays.copyOfRange(p.tokenTypeIds, from, to),
              Arrays.copyOfRange(p.positionIds, from, to),
              Arrays.copyOfRange(p.segmentIds, from, to),
              null,
              row,
              off,
              len));
    }
    return out;
  }
}
