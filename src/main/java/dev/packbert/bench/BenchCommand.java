package dev.packbert.bench;

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
    description =
        "Embed the same europarl sentences with every batching variant, alternating, and report speed, "
            + "padding efficiency, MFU, memory and the difference to single-sentence runs.")
public final class BenchCommand implements Callable<Integer> {
  @Option(names = "--model", description = "model name or directory (default: ${DEFAULT-VALUE})")
  String model = "bert-base-uncased";

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
      description = "also run Spark NLP BertEmbeddings on all-MiniLM-L6-v2 (ONNX) against PackBERT")
  boolean peer;

  @Option(
      names = "--peer-batch-size",
      description =
          "Spark NLP BertEmbeddings batchSize (default: ${DEFAULT-VALUE}, its own default)")
  int peerBatchSize = 8;

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
          "also write DIR/profile.md: TensorFlow's op times by op type for one batch of each variant")
  boolean profile;

  @Option(
      names = "--engine",
      description =
          "tensorflow | onnxruntime: the runtime every variant runs on (default: ${DEFAULT-VALUE})")
  String engine = "tensorflow";

  @Option(
      names = "--out",
      required = true,
      description = "directory for bench.json, bench.csv, bench.png, bench.md")
  Path out;

  private java.util.List<Variant> selected() {
    return Variant.select(variants).stream().map(v -> fixedAll ? v.unsampled() : v).toList();
  }

  @Override
  public Integer call() throws Exception {
    if (sentences < 1 || chunk < 1 || threads < 1 || checkSentences < 0) {
      throw new IllegalArgumentException(
          "--sentences, --chunk and --threads must be ≥ 1, --check-sentences ≥ 0");
    }
    if (variants.equalsIgnoreCase("default") && !CpuFeatures.hasBf16()) {
      System.err.println(
          "bench: packed-bf16-128 left out: this CPU has no avx512_bf16/amx_bf16, so oneDNN would "
              + "run it as fp32 (--variants all runs it anyway)");
    }
    new Benchmark(
            new Benchmark.Settings(
                model,
                sentences,
                selected(),
                chunk,
                checkSentences,
                threads,
                peer,
                peerBatchSize,
                profile,
                out,
                EngineKind.parse(engine)),
            System.err)
        .run();
    return 0;
  }
}
