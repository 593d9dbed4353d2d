package dev.packbert.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Starts a Java main class in a fresh JVM with this JVM's classpath and the JVM options Spark needs
 * (the --add-opens of bin/packbert and deploy/spark-env.sh, taken from this JVM's own arguments),
 * TF_ENABLE_ONEDNN_OPTS=1, and samples its peak RSS (VmHWM) from /proc while it runs.
 */
public final class ChildJvm {
  /** Exit code, the child's VmHWM (driver = executor in local[N]), and its wall time. */
  public record Outcome(int exitCode, double peakRssMb, double wallSeconds) {}

  private static final long TIMEOUT_MINUTES = 60;

  private ChildJvm() {}

  /** The options of this JVM a Spark child needs too: module opens, logging config, caches. */
  static List<String> inheritedOptions() {
    List<String> out = new ArrayList<>();
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens")
          || a.startsWith("--add-exports")
          || a.equals("-XX:+IgnoreUnrecognizedVMOptions")
          || a.startsWith("-Djdk.reflect")
          || a.startsWith("-Dlog4j2.configurationFile")
          || a.startsWith("-Dpackbert.")) {
        out.add(a);
      }
    }
    return out;
  }

  /**
   * Runs {@code main} with {@code args}, output to {@code log}; {@code lines} sees each output line
   * as it comes, with the seconds since start.
   */
  public static Outcome run(Class<?> main, List<String> args, String heap, Path log, LineSink lines)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + heap);
    cmd.addAll(inheritedOptions());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("TF_ENABLE_ONEDNN_OPTS", "1");
    pb.environment().putIfAbsent("TF_CPP_MIN_LOG_LEVEL", "2");
    long t0 = System.nanoTime();
    Process p = pb.start();
    Path status = Path.of("/proc", String.valueOf(p.pid()), "status");
    double[] peak = {-1};
    Thread sampler =
        new Thread(
            () -> {
              while (p.isAlive()) {
                peak[0] = Math.max(peak[0], vmHwmMb(status));
                try {
                  Thread.sleep(200);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "child-rss");
    sampler.setDaemon(true);
    sampler.start();
    try (var out = Files.newBufferedWriter(log);
        var in =
            new java.io.BufferedReader(
                new java.io.InputStreamReader(
                    p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        out.write(line);
        out.newLine();
        lines.accept(line, (System.nanoTime() - t0) / 1e9);
      }
    }
    if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
      p.destroyForcibly();
    }
    sampler.interrupt();
    sampler.join();
    return new Outcome(p.exitValue(), peak[0], (System.nanoTime() - t0) / 1e9);
  }

  /** A child's output line and when it came. */
  @FunctionalInterface
  public interface LineSink {
    void accept(String line, double secondsSinceStart);

    static LineSink to(Consumer<String> c) {
      return (l, s) -> c.accept(l);
    }
  }

  private static double vmHwmMb(Path status) {
    try {
      for (String l : Files.readAllLines(status)) {
        if (l.startsWith("VmHWM:")) {
          return Long.parseLong(l.substring(6).trim().split("\\s+", -1)[0]) / 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      // the child has exited between isAlive and the read: keep the last sample
    }
    return -1;
  }
}
