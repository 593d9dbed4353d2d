package dev.packbert.job;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The job's small bookkeeping files in OUTPUT (run record, slice summaries, job summary), on any
 * Hadoop file system. A file is never seen half written: on an object store (S3, GCS, Azure) an
 * object appears only when its upload completes, so it is written in place; elsewhere (local, HDFS)
 * it is written under a hidden temporary name and renamed, which those file systems do atomically.
 * A slice whose summary is there is committed, so a driver killed mid-write must not leave one.
 */
final class OutputDir {
  static final String RUN_RECORD = "_packbert_run.json";
  static final String SUMMARY = "_packbert_summary.json";
  static final String SLICES = "_slices";

  /** Schemes whose objects appear whole or not at all, and whose rename is a slow copy. */
  private static final Set<String> OBJECT_STORES =
      Set.of("s3a", "s3", "s3n", "gs", "wasb", "wasbs", "abfs", "abfss", "oss");

  private final String location;
  private final FileSystem fs;

  OutputDir(String location, Configuration hadoop) {
    this.location = location.replaceAll("/+$", "");
    try {
      this.fs = new Path(this.location).getFileSystem(hadoop);
    } catch (IOException e) {
      throw new UserError("--output " + location + ": " + PackBertCli.oneLine(e.getMessage()));
    }
  }

  String location() {
    return location;
  }

  String path(String relative) {
    return location + "/" + relative;
  }

  /**
   * True if OUTPUT is a directory that holds anything; false if it does not exist or is empty.
   * Refused with one line: an OUTPUT that is a file (Spark's Overwrite would delete it), and one
   * that cannot be looked at (a missing bucket, refused credentials, an unreachable endpoint): not
   * knowing is not "it exists", which sent users to {@code --resume}.
   */
  boolean existsAndNotEmpty() {
    Path p = new Path(location);
    try {
      FileStatus st;
      try {
        st = fs.getFileStatus(p);
      } catch (FileNotFoundException e) {
        return false;
      }
      if (!st.isDirectory()) {
        throw new UserError(StorageErrors.isAFile(location, "--output"));
      }
      return fs.listStatus(p).length > 0;
    } catch (IOException e) {
      throw new UserError(
          StorageErrors.describe(e, location, "--output")
              .orElseGet(
                  () ->
                      "--output "
                          + StorageErrors.safeLocation(location)
                          + ": cannot look at it: "
                          + StorageErrors.scrub(
                              PackBertCli.oneLine(
                                  e.getClass().getSimpleName() + ": " + e.getMessage()),
                              fs.getConf())),
          e);
    }
  }

  /**
   * How many slice markers {@code _slices} holds, or -1 if it cannot be listed: for deciding
   * whether a failed run may remove OUTPUT, where "cannot tell" must not count as "none" (unlike
   * {@link #committedSlices}, for which it means "redo everything").
   */
  int sliceMarkersOrUnknown() {
    Path dir = new Path(path(SLICES));
    try {
      int n = 0;
      for (FileStatus f : fs.listStatus(dir)) {
        if (f.getPath().getName().matches("\\d+\\.json")) {
          n++;
        }
      }
      return n;
    } catch (FileNotFoundException e) {
      return 0;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  Optional<String> readOptional(String relative) {
    Path p = new Path(path(relative));
    try {
      if (!fs.exists(p)) {
        return Optional.empty();
      }
      try (InputStream in = fs.open(p)) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        in.transferTo(b);
        return Optional.of(b.toString(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + p + ": " + e.getMessage(), e);
    }
  }

  void write(String relative, String content) {
    Path p = new Path(path(relative));
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    try {
      if (OBJECT_STORES.contains(fs.getUri().getScheme())) {
        writeWhole(p, bytes);
        return;
      }
      // the leading dot keeps the temporary out of Spark's and committedSlices' listings
      Path tmp = new Path(p.getParent(), "." + p.getName() + "." + UUID.randomUUID() + ".tmp");
      writeWhole(tmp, bytes);
      if (!fs.rename(tmp, p)) {
        // HDFS and the local file system refuse to rename onto an existing file
        fs.delete(p, false);
        if (!fs.rename(tmp, p)) {
          fs.delete(tmp, false);
          throw new IOException("rename of " + tmp + " failed");
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + p + ": " + e.getMessage(), e);
    }
  }

  private void writeWhole(Path p, byte[] bytes) throws IOException {
    try (OutputStream out = fs.create(p, true)) {
      out.write(bytes);
    }
  }

  /**
   * The slices whose summary json is in {@code _slices}, by slice number. A file that does not
   * parse (a driver killed while writing it) does not count: that slice is redone.
   */
  java.util.SortedMap<Integer, SliceSummary> committedSlices() {
    java.util.SortedMap<Integer, SliceSummary> done = new java.util.TreeMap<>();
    try {
      Path dir = new Path(path(SLICES));
      if (!fs.exists(dir)) {
        return done;
      }
      for (FileStatus f : fs.listStatus(dir)) {
        String name = f.getPath().getName();
        if (!name.matches("\\d+\\.json")) {
          continue;
        }
        Optional<String> json = readOptional(SLICES + "/" + name);
        try {
          SliceSummary s = SliceSummary.fromJson(json.orElse(""));
          done.put(s.slice(), s);
        } catch (IOException e) {
          // incomplete: redone
        }
      }
    } catch (IOException | RuntimeException e) {
      // unreadable listing: nothing counts as committed, so nothing is skipped
    }
    return done;
  }

  void delete(String relative) {
    try {
      fs.delete(new Path(path(relative)), true);
    } catch (IOException e) {
      throw new IllegalStateException("cannot delete " + path(relative) + ": " + e.getMessage(), e);
    }
  }
}
