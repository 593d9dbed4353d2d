package dev.packbert.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code packbert bench quality}: the precision × system quality table ({@link QualityBench}). */
@Command(
    name = "quality",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Embed held-out europarl sentences with PackBERT at every precision and with the quantized"
            + " copies users run, and compare each with fp32 ONNX Runtime on the model's own .onnx,"
            + " each sentence alone: cosine min and mean, Spearman of pairwise similarities,"
            + " recall@10 of the nearest neighbours.")
public final class QualityCommand implements Callable<Integer> {
  @Option(
      names = "--model",
      description = "all-minilm-l6-v2 or bge-small-en-v1.5 (default: ${DEFAULT-VALUE})")
  String model = "all-minilm-l6-v2";

  @Option(names = "--sentences", description = "held-out sentences (default: ${DEFAULT-VALUE})")
  int sentences = 2000;

  @Option(
      names = "--threads",
      description = "intra-op threads of every engine (default: ${DEFAULT-VALUE})")
  int threads = 2;

  @Option(names = "--out", description = "also write DIR/quality.{json,md}")
  Path out;

  @Override
  public Integer call() throws Exception {
    if (sentences <= EmbeddingQuality.K || threads < 1) {
      throw new IllegalArgumentException(
          "--sentences must be > " + EmbeddingQuality.K + " and --threads ≥ 1");
    }
    QualityBench bench = new QualityBench(model, BenchCorpus.heldOut(sentences), threads);
    List<QualityBench.Result> rows = bench.run(System.err);
    String md = QualityBench.markdown(model, bench.pooling(), rows);
    System.out.print(md);
    if (out != null) {
      Files.createDirectories(out);
      Files.writeString(out.resolve("quality.md"), md);
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("model", model);
      json.put("pooling", bench.pooling().name().toLowerCase(java.util.Locale.ROOT));
      json.put("rows", rows.stream().map(QualityBench.Result::toMap).toList());
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValue(out.resolve("quality.json").toFile(), json);
    }
    return 0;
  }
}
