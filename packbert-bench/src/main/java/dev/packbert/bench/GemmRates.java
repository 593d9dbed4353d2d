package dev.packbert.bench;

import dev.packbert.model.BertConfig;
import dev.packbert.model.EngineOptions;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/** TF's fp32 MatMul at the model's three GEMM shapes on one token budget; the fastest counts. */
final class GemmRates implements AutoCloseable {
  private final Map<String, MatmulRate> byShape = new LinkedHashMap<>();

  GemmRates(BertConfig c, int threads) {
    int h = c.hiddenSize();
    int i = c.intermediateSize();
    try {
      for (int[] kn : new int[][] {{h, h}, {h, i}, {i, h}}) {
        String shape = Variant.TOKEN_BUDGET + "×" + kn[0] + "·" + kn[0] + "×" + kn[1];
        byShape.put(
            shape, new MatmulRate(EngineOptions.cpu(threads), Variant.TOKEN_BUDGET, kn[0], kn[1]));
      }
    } catch (RuntimeException e) {
      close(); // the sessions made before the failure
      throw e;
    }
  }

  void sample(int repeats) {
    byShape.values().forEach(m -> m.sample(repeats));
  }

  Map.Entry<String, MatmulRate> fastest() {
    return byShape.entrySet().stream()
        .max(Comparator.comparingDouble(e -> e.getValue().rate()))
        .orElseThrow();
  }

  @Override
  public void close() {
    byShape.values().forEach(MatmulRate::close);
  }
}
