package dev.packbert.engine;

import dev.packbert.engine.onnx.OnnxRuntimeEngine;
import dev.packbert.engine.tensorflow.TensorFlowEngine;
import dev.packbert.model.BertWeights;
import dev.packbert.model.EmbeddingEngine;
import dev.packbert.model.EngineOptions;

/** Opens the engine an {@link EngineOptions} names: the one place that knows both runtimes. */
public final class Engines {
  private Engines() {}

  /** Opens the engine {@code options} name on {@code weights}. */
  public static EmbeddingEngine open(BertWeights weights, EngineOptions options) {
    return switch (options.engine()) {
      case TENSORFLOW -> new TensorFlowEngine(weights, options);
      case ONNXRUNTIME -> new OnnxRuntimeEngine(weights, options);
    };
  }
}
