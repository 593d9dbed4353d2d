package dev.packbert.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resident memory of this JVM from /proc (heap, TF's native arenas and oneDNN caches all count).
 */
public final class MemoryProbe {
  private MemoryProbe() {}

  /** Current resident set in MB, or -1 where /proc is not there. */
  public static double rssMb() {
    return read("VmRSS:");
  }

  /**
   * Peak resident set of the process so far (never decreases, so only the first variants can be
   * told apart).
   */
  public static double peakMb() {
    return read("VmHWM:");
  }

  private static double read(String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(key)) {
          return Long.parseLong(line.substring(key.length()).trim().split("\\s+", -1)[0]) / 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
