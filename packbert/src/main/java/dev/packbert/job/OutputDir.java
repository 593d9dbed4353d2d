package dev.packbert.job;

import java.io.ByteArrayOutputStream;
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

  /** True if OUTPUT exists and is a file or holds anything. */
  boolean existsAndNotEmpty() {
    try {
      Path p = new Path(location);
      if (!fs.exists(p)) {
        return false;
      }
      FileStatus st = fs.getFileStatus(p);
      return !st.isDirectory() || fs.listStatus(p).length > 0;
    } catch (IOException e) {
      return true; // unknown: never treat what might be there as empty
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
