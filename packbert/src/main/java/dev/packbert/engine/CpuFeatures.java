package dev.packbert.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** What the CPU offers, from /proc/cpuinfo (Linux); unknown counts as absent. */
public final class CpuFeatures {
  private CpuFeatures() {}

  /** AVX512-BF16 or AMX-BF16: what oneDNN needs before its bf16 rewrite changes anything. */
  public static boolean hasBf16() {
    String flags = flags();
    return flags.contains(" avx512_bf16 ") || flags.contains(" amx_bf16 ");
  }

  /**
   * The first "flags" line of /proc/cpuinfo, padded with spaces so that whole flags can be matched.
   */
  static String flags() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("flags"))
          .findFirst()
          .map(l -> " " + l.substring(l.indexOf(':') + 1).trim().toLowerCase(Locale.ROOT) + " ")
          .orElse(" ");
    } catch (IOException | RuntimeException e) {
      return " ";
    }
  }

  /**
   * Model name, logical CPUs and the SIMD flags that decide the engines' kernels (sse4_2, fma,
   * avx*, amx*), for the header of every table.
   */
  public static String summary() {
    String model = "unknown CPU";
    long cpus = 0;
    try {
      for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (l.startsWith("model name") && model.equals("unknown CPU")) {
          model = l.substring(l.indexOf(':') + 1).trim();
        }
        if (l.startsWith("processor")) {
          cpus++;
        }
      }
    } catch (IOException | RuntimeException e) {
      // no /proc: say unknown
    }
    String simd =
        java.util.Arrays.stream(flags().trim().split("\\s+", -1))
            .filter(
                f ->
                    f.equals("sse4_2")
                        || f.equals("fma")
                        || f.startsWith("avx")
                        || f.startsWith("amx"))
            .collect(java.util.stream.Collectors.joining(" "));
    return model + ", " + cpus + " logical CPUs, SIMD flags: " + (simd.isEmpty() ? "none" : simd);
  }
}
