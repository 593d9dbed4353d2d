package dev.packbert.job;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The job's small bookkeeping files in OUTPUT (run record, slice summaries, job summary), on any
 * Hadoop file system. They are written whole with one {@code create}; on S3 an object appears only
 * when its upload completes, elsewhere a driver killed mid-write leaves a short file, which {@link
 * #readOptional} callers treat as absent.
 */
final class OutputDir {
  static final String RUN_RECORD = "_packbert_run.json";
  static final String SUMMARY = "_packbert_summary.json";
  static final String SLICES = "_slices";

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
    try (OutputStream out = fs.create(p, true)) {
      out.write(content.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + p + ": " + e.getMessage(), e);
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
