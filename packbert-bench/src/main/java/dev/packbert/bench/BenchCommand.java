package dev.packbert.bench;

import dev.packbert.engine.CpuFeatures;
import dev.packbert.model.EngineKind;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code packbert bench}: the padding/packing benchmark of issue 6 (see docs/BENCHMARKS.md). */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    subcommands = {QualityCommand.class, ReuseCommand.class},
    description =
        "Embed the same europarl sentences with every batching variant, alternating, and report speed, "
            + "padding efficiency, MFU, memory and the difference to single-sentence runs.")
public final class BenchCommand implements Callable<Integer> {
  /** The engine and scale benches' model when --model is not given. */
  static final String DEFAULT_MODEL = "bert-base-uncased";

  @Option(
      names = "--model",
      description =
          "model name or directory (default: "
              + DEFAULT_MODEL
              + "; with --peer "
              + Benchmark.PEER_MODEL
              + ")")
  String model;

  @Option(
      names = "--sentences",
      description = "sentences to embed per variant (default: ${DEFAULT-VALUE})")
  int sentences = 2000;

  @Option(
      names = "--variants",
      description =
          "default, all, or comma-separated names or prefixes, e.g. fixed,packed-spfhp-128 "
              + "(default: all but packed-bf16-128 on CPUs without bf16 instructions)")
  String variants = "default";

  @Option(
      names = "--chunk",
      description = "sentences per round-robin chunk (default: ${DEFAULT-VALUE})")
  int chunk = 500;

  @Option(
      names = "--check-sentences",
      description = "sentences also run alone as the reference (default: ${DEFAULT-VALUE})")
  int checkSentences = 200;

  @Option(
      names = "--threads",
      description = "TF intra-op threads and Spark local[N] cores (default: ${DEFAULT-VALUE})")
  int threads = 2;

  @Option(
      names = "--peer",
      description =
          "instead of the variants: PackBERT's Spark stage vs Spark NLP (each of its settings) and a "
              + "hand-written ONNX Runtime job on the same .onnx weights (all-MiniLM-L6-v2 unless "
              + "--model names another model with a model.onnx), through Spark, each setting in "
              + "its own JVM; writes DIR/peer.{json,md}")
  boolean peer;

  @Option(
      names = "--peer-settings",
      description =
          "all, or comma-separated setting names or prefixes, e.g. packbert,ort,sparknlp-bert "
              + "(default: ${DEFAULT-VALUE})")
  String peerSettings = "all";

  @Option(
      names = "--rounds",
      description = "--peer: rounds over all settings, alternated (default: ${DEFAULT-VALUE})")
  int rounds = 2;

  @Option(
      names = "--quality-sentences",
      description =
          "--peer: held-out sentences each setting also embeds, untimed, for the quality columns"
              + " (recall@10 etc. against fp32 each sentence alone); 0 = none (default:"
              + " ${DEFAULT-VALUE})")
  int qualitySentences = 2000;

  @Option(
      names = "--partitions",
      description = "--peer: partitions of the sentence DataFrame (default: --threads)")
  int partitions;

  @Option(
      names = "--scale",
      split = ",",
      description =
          "instead of the variants: packbert embed (job defaults, --model) on inputs of these "
              + "many sentences, e.g. 1000,10000,100000; writes DIR/scale.{json,md}")
  java.util.List<Integer> scale;

  @Option(
      names = "--fixed-all",
      description =
          "embed all sentences with fixed-128 too (default: every "
              + Variant.FIXED_SAMPLE_EVERY
              + "th; its cost per sentence does not depend on the sentence)")
  boolean fixedAll;

  @Option(
      names = "--profile",
      description =
          "also write DIR/profile.md: op times by op type for one batch of each variant"
              + " (TensorFlow's trace; ONNX Runtime's profiler for int8 and --engine onnxruntime)")
  boolean profile;

  @Option(
      names = "--engine",
      description =
          "tensorflow | onnxruntime: the runtime every variant runs on, and with --peer PackBERT's "
              + "stage (default: ${DEFAULT-VALUE})")
  String engine = "tensorflow";

  // not required = true: picocli would then ask for it before the quality subcommand too
  @Option(
      names = "--out",
      description = "directory for bench.json, bench.csv, bench.png, bench.md (required)")
  Path out;

  /** Sentences every peer child embeds untimed first (loads the model, JITs the path). */
  static final int PEER_WARMUP = 64;

  private String engineModel() {
    return model != null ? model : DEFAULT_MODEL;
  }

  private java.util.List<Variant> selected() {
    return Variant.select(variants).stream().map(v -> fixedAll ? v.unsampled() : v).toList();
  }

  @Override
  public Integer call() throws Exception {
    if (out == null) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(this), "Missing required option: '--out=<out>'");
    }
    if (sentences < 1 || chunk < 1 || threads < 1 || checkSentences < 0) {
      throw new IllegalArgumentException(
          "--sentences, --chunk and --threads must be ≥ 1, --check-sentences ≥ 0");
    }
    if (variants.equalsIgnoreCase("default") && !CpuFeatures.hasBf16()) {
      System.err.println(
          "bench: packed-bf16-128 left out: this CPU has no avx512_bf16/amx_bf16, so TF would "
              + "emulate bf16, slower than fp32 (--variants all runs it anyway)");
    }
    if (peer) {
      new PeerBench(
              new PeerBench.Settings(
                  model != null ? model : Benchmark.PEER_MODEL,
                  sentences,
                  threads,
                  partitions > 0 ? partitions : threads,
                  rounds,
                  PEER_WARMUP,
                  Math.min(checkSentences, sentences),
                  EngineKind.parse(engine).requireAvailable().label(),
                  peerSettings,
                  out,
                  qualitySentences),
              System.err)
          .run();
      return 0;
    }
    if (scale != null && !scale.isEmpty()) {
      if (scale.stream().anyMatch(n -> n < 1)) {
        throw new IllegalArgumentException("--scale sizes must be ≥ 1");
      }
      new ScaleBench(new ScaleBench.Settings(scale, engineModel(), threads, out), System.err).run();
      return 0;
    }
    new Benchmark(
            new Benchmark.Settings(
                engineModel(),
                sentences,
                selected(),
                chunk,
                checkSentences,
                threads,
                profile,
                out,
                EngineKind.parse(engine)),
            System.err)
        .run();
    return 0;
  }
}
