package dev.packbert.job;

import dev.packbert.weights.RemoteModelCopy;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --input} and {@code --output} looked at on the driver before Spark starts, so a missing
 * bucket, refused credentials, an unreachable endpoint, an output that is a file or a location that
 * cannot be written costs a second and one line ({@link StorageErrors}), not a Spark start, a stack
 * trace or minutes of retries.
 *
 * <ul>
 *   <li>input: its status (a glob: at least one match), then one byte of it (a file) or its listing
 *       (a directory);
 *   <li>output: its status (a file is refused: Spark's Overwrite would delete it, and S3A writes
 *       "under" a file without complaint), the first ancestor that exists (a file there is refused
 *       too), then a write probe: a hidden empty file created and deleted again, with every
 *       directory the probe created removed, so a refused run leaves nothing behind.
 * </ul>
 *
 * <p>The probes use their own {@link FileSystem} instance with short timeouts and few retries
 * ({@link #PROBE_SETTINGS}, only lowering what the user set), so an endpoint that does not answer
 * fails in about {@value #PROBE_TIMEOUT_SECONDS} s instead of after S3A's default 200 s × 21 SDK
 * attempts × 8 S3A attempts. The job's own reads and writes keep the user's settings: a short
 * {@code fs.s3a.connection.timeout} would turn a slow multipart completion into a partial commit.
 */
final class StorageChecks {
  private static final Logger LOG = LoggerFactory.getLogger(StorageChecks.class);
  static final int PROBE_TIMEOUT_SECONDS = 5;

  /**
   * Upper bounds for the probes' S3A settings: one try per S3A attempt (no SDK retries), two S3A
   * attempts, {@value #PROBE_TIMEOUT_SECONDS} s to connect and to answer. Throttling keeps its
   * retries: a throttled probe is a busy service, not a broken one.
   */
  static final Map<String, Long> PROBE_SETTINGS =
      Map.of(
          "fs.s3a.attempts.maximum",
          0L,
          "fs.s3a.retry.limit",
          1L,
          "fs.s3a.connection.establish.timeout",
          PROBE_TIMEOUT_SECONDS * 1000L,
          "fs.s3a.connection.timeout",
          PROBE_TIMEOUT_SECONDS * 1000L);

  private static final Set<String> S3 = Set.of("s3a", "s3", "s3n");

  private StorageChecks() {}

  /** Checks the settings' input and output with the Hadoop settings Spark will use. */
  static void check(EmbedSettings s) {
    check(s.input(), s.output(), RemoteModelCopy.hadoopConf(s.sparkConf()));
  }

  static void check(String input, String output, Configuration hadoop) {
    long t0 = System.nanoTime();
    checkInput(input, hadoop);
    checkOutput(output, hadoop);
    LOG.debug(
        "storage checks of {} and {}: {} ms",
        StorageErrors.safeLocation(input),
        StorageErrors.safeLocation(output),
        (System.nanoTime() - t0) / 1_000_000);
  }

  static void checkInput(String input, Configuration hadoop) {
    Path p = new Path(input);
    try (FileSystem fs = FileSystem.newInstance(p.toUri(), probeConf(hadoop, p.toUri()))) {
      FileStatus st;
      if (isGlob(input)) {
        FileStatus[] matches = fs.globStatus(p);
        if (matches == null || matches.length == 0) {
          throw new FileNotFoundException(input);
        }
        st = matches[0];
      } else {
        st = fs.getFileStatus(p);
      }
      if (st.isDirectory()) {
        fs.listStatus(st.getPath());
      } else {
        try (InputStream in = fs.open(st.getPath())) {
          int unused = in.read();
        }
      }
    } catch (IOException | RuntimeException e) {
      throw failure(e, input, "--input", hadoop);
    }
  }

  static void checkOutput(String output, Configuration hadoop) {
    Path p = new Path(output);
    try (FileSystem fs = FileSystem.newInstance(p.toUri(), probeConf(hadoop, p.toUri()))) {
      Path q = fs.makeQualified(p);
      FileStatus st = statusOrNull(fs, q);
      if (st != null && !st.isDirectory()) {
        throw new UserError(StorageErrors.isAFile(output, "--output"));
      }
      // the directories the probe will create, innermost first, up to the first that exists
      List<Path> absent = new ArrayList<>();
      if (st == null) {
        absent.add(q);
        for (Path a = q.getParent(); a != null; a = a.getParent()) {
          FileStatus as = statusOrNull(fs, a);
          if (as == null) {
            absent.add(a);
          } else if (!as.isDirectory()) {
            throw new UserError(
                "--output "
                    + StorageErrors.safeLocation(output)
                    + ": "
                    + StorageErrors.safeLocation(a.toString())
                    + " is a file, not a directory; choose another path or remove the file");
          } else {
            break;
          }
        }
      }
      Path probe = new Path(q, "._packbert_write_check-" + UUID.randomUUID());
      try (OutputStream o = fs.create(probe, false)) {
        o.flush();
      }
      fs.delete(probe, false);
      for (Path a : absent) {
        removeIfEmpty(fs, a);
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof UserError u) {
        throw u;
      }
      throw failure(e, output, "--output", hadoop);
    }
  }

  /** Removes a directory the probe created, unless something else appeared in it meanwhile. */
  private static void removeIfEmpty(FileSystem fs, Path dir) {
    try {
      FileStatus st = statusOrNull(fs, dir);
      if (st != null && st.isDirectory() && fs.listStatus(dir).length == 0) {
        fs.delete(dir, false);
      }
    } catch (IOException e) {
      LOG.debug("could not remove the empty directory {} the write check created", dir, e);
    }
  }

  private static FileStatus statusOrNull(FileSystem fs, Path p) throws IOException {
    try {
      return fs.getFileStatus(p);
    } catch (FileNotFoundException e) {
      return null;
    }
  }

  /**
   * The one line for a failed probe. A timeout says the probe's own limit (the user's timeout
   * setting is not what ran out); everything else is {@link StorageErrors#describe}'s line, or the
   * exception's first line with credential values removed.
   */
  static UserError failure(Throwable e, String location, String role, Configuration hadoop) {
    String line;
    if (StorageErrors.isTimeout(e)) {
      line =
          role
              + " "
              + StorageErrors.safeLocation(location)
              + ": the storage endpoint did not answer within "
              + PROBE_TIMEOUT_SECONDS
              + " s (twice, checked before the job starts); check fs.s3a.endpoint, the network"
              + " and fs.s3a.proxy.host/port, and that the service is running";
    } else {
      line =
          StorageErrors.describe(e, location, role)
              .orElseGet(
                  () ->
                      role
                          + " "
                          + StorageErrors.safeLocation(location)
                          + ": cannot "
                          + ("--input".equals(role) ? "read" : "write")
                          + " it: "
                          + StorageErrors.scrub(
                              PackBertCli.oneLine(
                                  e.getClass().getSimpleName() + ": " + e.getMessage()),
                              hadoop));
    }
    return new UserError(line, e);
  }

  /**
   * A copy of {@code hadoop} whose S3A retry and timeout settings are at most {@link
   * #PROBE_SETTINGS}, for the bucket of {@code uri} too (its {@code fs.s3a.bucket.B.*} overrides
   * win over the plain keys).
   */
  static Configuration probeConf(Configuration hadoop, URI uri) {
    Configuration c = new Configuration(hadoop);
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!S3.contains(scheme)) {
      return c;
    }
    String bucket = uri.getHost();
    PROBE_SETTINGS.forEach(
        (key, max) -> {
          c.setLong(key, Math.min(longOr(c, key), max));
          if (bucket != null) {
            String perBucket = "fs.s3a.bucket." + bucket + "." + key.substring("fs.s3a.".length());
            if (c.get(perBucket) != null) {
              c.setLong(perBucket, Math.min(longOr(c, perBucket), max));
            }
          }
        });
    return c;
  }

  /** The value of {@code key}, or no bound at all if it is unset or not a plain number. */
  private static long longOr(Configuration c, String key) {
    try {
      return c.getLong(key, Long.MAX_VALUE);
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE; // "60s" and the like: replaced by the bound
    }
  }

  /** Spark's own test (SparkHadoopUtil.isGlobPath): any of these characters makes a glob. */
  private static boolean isGlob(String location) {
    return location.matches(".*[{}\\[\\]*?\\\\].*");
  }
}
