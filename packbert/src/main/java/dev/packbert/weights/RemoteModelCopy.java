package dev.packbert.weights;

import dev.packbert.model.ModelFormatException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * Makes a model directory on any Hadoop file system (HDFS, s3a, DBFS) local: copied once per
 * machine into the cache, keyed by its URI, so each executor reads the remote store once.
 */
public final class RemoteModelCopy {
  private RemoteModelCopy() {}

  static Path localDirectory(String location) {
    return localDirectory(location, java.util.Map.of());
  }

  /**
   * @param sparkConf Spark settings not yet in a running SparkEnv (the job's --conf, before Spark
   *     starts)
   */
  static Path localDirectory(String location, java.util.Map<String, String> sparkConf) {
    URI uri = URI.create(location.replace(" ", "%20"));
    String scheme = uri.getScheme();
    if (scheme == null || scheme.equals("file") || scheme.length() == 1) {
      Path p = scheme == null || scheme.length() == 1 ? Path.of(location) : Path.of(uri);
      if (!Files.isDirectory(p)) {
        throw new ModelFormatException(
            "model '"
                + location
                + "' is neither a known name "
                + ModelRegistry.names()
                + " nor a readable directory");
      }
      return p;
    }
    Path dir =
        ModelRegistry.cacheDir()
            .resolve("remote")
            .resolve(UUID.nameUUIDFromBytes(location.getBytes(StandardCharsets.UTF_8)).toString());
    synchronized (RemoteModelCopy.class) {
      if (Files.isRegularFile(dir.resolve(".complete"))) {
        return dir;
      }
      Path tmp = null;
      try {
        Files.createDirectories(dir.getParent());
        tmp = Files.createTempDirectory(dir.getParent(), "copying-");
        FileSystem fs = FileSystem.get(uri, hadoopConf(sparkConf));
        org.apache.hadoop.fs.Path src = new org.apache.hadoop.fs.Path(uri);
        if (!fs.getFileStatus(src).isDirectory()) {
          throw new ModelFormatException("model '" + location + "' is not a directory");
        }
        for (var st : fs.listStatus(src)) {
          fs.copyToLocalFile(false, st.getPath(), new org.apache.hadoop.fs.Path(tmp.toUri()), true);
        }
        Files.writeString(tmp.resolve(".complete"), location + "\n");
        ModelRegistry.deleteQuietly(dir);
        Files.move(tmp, dir);
        tmp = null;
        return dir;
      } catch (IOException e) {
        throw new ModelFormatException(
            "cannot copy model from " + location + ": " + e.getMessage(), e);
      } finally {
        ModelRegistry.deleteQuietly(tmp);
      }
    }
  }

  /**
   * Hadoop settings for the copy, with the application's {@code spark.hadoop.*} settings applied as
   * Spark would: from spark-submit's system properties, a running SparkEnv (driver or executor) and
   * {@code sparkConf}, so an s3a endpoint or credentials given with --conf reach the copy on the
   * driver and on executors alike.
   */
  public static Configuration hadoopConf(java.util.Map<String, String> sparkConf) {
    java.util.Map<String, String> settings = new java.util.LinkedHashMap<>();
    System.getProperties()
        .stringPropertyNames()
        .forEach(k -> settings.put(k, System.getProperty(k)));
    org.apache.spark.SparkEnv env = org.apache.spark.SparkEnv.get();
    if (env != null) {
      for (scala.Tuple2<String, String> kv : env.conf().getAll()) {
        settings.put(kv._1(), kv._2());
      }
    }
    settings.putAll(sparkConf);
    Configuration c = new Configuration();
    String prefix = "spark.hadoop.";
    settings.forEach(
        (k, v) -> {
          if (k.startsWith(prefix)) {
            c.set(k.substring(prefix.length()), v);
          }
        });
    return c;
  }
}
