package dev.packbert.job;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Prints one progress line every few seconds while the job runs, so a user sees it move. */
final class ProgressReporter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("dev.packbert.progress");
  private final ScheduledExecutorService timer;

  ProgressReporter(int seconds, LongSupplier sentences, LongSupplier rows) {
    long t0 = System.nanoTime();
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "packbert-progress");
              t.setDaemon(true);
              return t;
            });
    // close() shuts the timer down; the future itself has nothing to report
    var unused =
        timer.scheduleAtFixedRate(
            () -> {
              double s = (System.nanoTime() - t0) / 1e9;
              long n = sentences.getAsLong();
              LOG.info(
                  String.format(
                      "%,d sentences embedded in %,d packed rows, %.1f sentences/s, %.0f s elapsed",
                      n, rows.getAsLong(), n / Math.max(s, 1e-9), s));
            },
            seconds,
            seconds,
            TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
