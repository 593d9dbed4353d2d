package dev.packbert.bench;

import dev.packbert.engine.CpuFeatures;
import dev.packbert.model.BertConfig;
import dev.packbert.model.EngineOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * The model's three GEMM shapes on one token budget, at each arithmetic the ceilings need: TF's
 * fp32 MatMul, TF's bf16 MatMul (only on a CPU with bf16 instructions; elsewhere oneDNN has no bf16
 * kernel worth a ceiling) and ONNX Runtime's u8s8 MatMulInteger. The fastest shape of each counts.
 */
final class GemmRates implements AutoCloseable {
  /** The arithmetic of a rate. */
  enum Kind {
    FP32("TF fp32 MatMul"),
    BF16("TF bf16 MatMul"),
    INT8("ONNX Runtime u8s8 MatMulInteger");

    final String what;

    Kind(String what) {
      this.what = what;
    }
  }

  /** A rate and how to sample it. */
  private record Rate(
      DoubleSupplier rate, java.util.function.IntConsumer sample, AutoCloseable c) {}

  private final Map<Kind, Map<String, Rate>> byKind = new LinkedHashMap<>();

  GemmRates(BertConfig c, int threads) {
    this(c, threads, true);
  }

  /** {@code all}: also the bf16 and int8 rates (the fp32 one alone otherwise). */
  GemmRates(BertConfig c, int threads, boolean all) {
    int h = c.hiddenSize();
    int i = c.intermediateSize();
    try {
      for (int[] kn : new int[][] {{h, h}, {h, i}, {i, h}}) {
        String shape = Variant.TOKEN_BUDGET + "×" + kn[0] + "·" + kn[0] + "×" + kn[1];
        MatmulRate fp32 =
            new MatmulRate(EngineOptions.cpu(threads), Variant.TOKEN_BUDGET, kn[0], kn[1]);
        put(Kind.FP32, shape, new Rate(fp32::rate, fp32::sample, fp32));
        if (all && CpuFeatures.hasBf16()) {
          MatmulRate bf16 =
              new MatmulRate(EngineOptions.cpu(threads), Variant.TOKEN_BUDGET, kn[0], kn[1], true);
          put(Kind.BF16, shape, new Rate(bf16::rate, bf16::sample, bf16));
        }
        if (all) {
          IntGemmRate int8 = new IntGemmRate(threads, Variant.TOKEN_BUDGET, kn[0], kn[1]);
          put(Kind.INT8, shape, new Rate(int8::rate, int8::sample, int8));
        }
      }
    } catch (RuntimeException e) {
      close(); // the sessions made before the failure
      throw e;
    }
  }

  private void put(Kind k, String shape, Rate r) {
    byKind.computeIfAbsent(k, x -> new LinkedHashMap<>()).put(shape, r);
  }

  void sample(int repeats) {
    byKind.values().forEach(m -> m.values().forEach(r -> r.sample().accept(repeats)));
  }

  /** Whether {@code k} was measured. */
  boolean has(Kind k) {
    return byKind.containsKey(k);
  }

  /** The fastest shape of {@code k} and its rate (FLOP/s, or integer ops/s). */
  Map.Entry<String, Double> fastest(Kind k) {
    return byKind.get(k).entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue().rate().getAsDouble()))
        .max(Map.Entry.comparingByValue())
        .orElseThrow();
  }

  @Override
  public void close() {
    byKind
        .values()
        .forEach(
            m ->
                m.values()
                    .forEach(
                        r -> {
                          try {
                            r.c().close();
                          } catch (Exception e) {
                            // native sessions: nothing left to do on failure
                          }
                        }));
  }
}
