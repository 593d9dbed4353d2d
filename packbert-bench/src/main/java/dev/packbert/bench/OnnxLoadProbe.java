package dev.packbert.bench;

import dev.packbert.engine.Engines;
import dev.packbert.engine.onnx.OnnxBertGraph;
import dev.packbert.model.BertWeights;
import dev.packbert.model.EmbeddingEngine;
import dev.packbert.model.EngineKind;
import dev.packbert.model.EngineOptions;
import dev.packbert.weights.ModelLoader;
import dev.packbert.weights.ModelRegistry;
import dev.packbert.weights.OnnxBertLoader;
import dev.packbert.weights.OnnxGraph;
import dev.packbert.weights.OnnxInitializerReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Model load time of the ONNX codec, one step per line, for a peak-RSS run under {@code
 * /usr/bin/time -v} (one model per JVM, so the peak is that model's):
 *
 * <ul>
 *   <li>{@code write NAME OUT}: the named model's weights → PackBERT's ONNX graph → OUT (how a
 *       BERT-base {@code .onnx} is made: there is none on Maven Central);
 *   <li>{@code read FILE}: parse FILE with the ONNX reader only;
 *   <li>{@code session NAME|FILE.onnx}: weights (ONNX files through the reader), then the
 *       onnxruntime engine opened on them (its graph and ORT session, 1 thread).
 * </ul>
 */
public final class OnnxLoadProbe {
  private OnnxLoadProbe() {}

  public static void main(String[] args) throws Exception {
    long t0 = System.nanoTime();
    switch (args[0]) {
      case "write" -> {
        BertWeights w = ModelLoader.weights(ModelRegistry.resolve(args[1]));
        long t1 = lap("weights", t0);
        byte[] model = OnnxBertGraph.modelBytes(w, true);
        long t2 = lap("graph (" + model.length / (1 << 20) + " MiB)", t1);
        Files.write(Path.of(args[2]), model);
        lap("file", t2);
      }
      case "read" -> {
        OnnxGraph g = OnnxInitializerReader.read(Path.of(args[1]));
        lap(
            "read (" + g.initializers().size() + " initializers, " + g.nodes().size() + " nodes)",
            t0);
      }
      case "session" -> {
        BertWeights w =
            args[1].endsWith(".onnx")
                ? OnnxBertLoader.load(Path.of(args[1]))
                : ModelLoader.weights(ModelRegistry.resolve(args[1]));
        long t1 = lap("weights", t0);
        try (EmbeddingEngine e =
            Engines.open(w, EngineOptions.cpu(1).withEngine(EngineKind.ONNXRUNTIME))) {
          lap("graph + session (" + e.config().numLayers() + " layers)", t1);
        }
      }
      default -> throw new IllegalArgumentException("write | read | session");
    }
    System.out.printf(
        Locale.ROOT,
        "total %.2f s, peak RSS %.0f MB%n",
        (System.nanoTime() - t0) / 1e9,
        MemoryProbe.peakMb());
  }

  private static long lap(String what, long since) {
    long now = System.nanoTime();
    System.out.printf(Locale.ROOT, "%-40s %.2f s%n", what, (now - since) / 1e9);
    return now;
  }
}
