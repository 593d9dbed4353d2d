package dev.packbert.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.packbert.s3.FaultProxy;
import dev.packbert.s3.LocalS3Server;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The same failures reached through Spark (a read, a magic-committer write): {@link
 * StorageErrors#describe} finds them under Spark's wrappers.
 */
class StorageErrorsSparkTest {
  private static final String CREDENTIALS =
      "fs.s3a.access.key, fs.s3a.secret.key, fs.s3a.session.token and"
          + " fs.s3a.aws.credentials.provider (or their fs.s3a.bucket.BUCKET.* overrides)";
  private static LocalS3Server s3;
  private static FaultProxy proxy;
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    s3 = LocalS3Server.start();
    proxy = FaultProxy.start(s3.endpoint());
    s3.put("in/docs.txt", "one\ntwo\n".getBytes(StandardCharsets.UTF_8));
    SparkSession.Builder b =
        SparkSession.builder()
            .master("local[2]")
            .appName("storage-errors")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2");
    s3.sparkConf().forEach(b::config);
    b.config("spark.hadoop.fs.s3a.attempts.maximum", "0");
    b.config("spark.hadoop.fs.s3a.retry.limit", "0");
    b.config("spark.hadoop.fs.s3a.retry.throttle.limit", "0");
    // every test gets a new S3AFileSystem from the settings it changed
    b.config("spark.hadoop.fs.s3a.impl.disable.cache", "true");
    LocalS3Server.magicCommitterSparkConf().forEach(b::config);
    spark = b.getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
    proxy.close();
    s3.close();
  }

  @AfterEach
  void reset() throws IOException {
    proxy.clearRules();
    Configuration hc = spark.sparkContext().hadoopConfiguration();
    s3.hadoopConf().forEach(hc::set);
    hc.set("fs.s3a.attempts.maximum", "0");
    hc.set("fs.s3a.retry.limit", "0");
    FileSystem.closeAll();
  }

  private static void set(Map<String, String> settings) {
    settings.forEach(spark.sparkContext().hadoopConfiguration()::set);
  }

  private static void write(String out) {
    spark.range(100).repartition(2).write().mode(SaveMode.Overwrite).parquet(out);
  }

  @Test
  void readWithAWrongSecret() {
    set(Map.of("fs.s3a.secret.key", "wrong-secret-value-0042"));
    String in = s3.uri("in/docs.txt");
    Exception e = assertThrows(Exception.class, () -> spark.read().text(in).count());
    assertEquals(
        Optional.of(
            "--input "
                + in
                + ": access denied (HTTP 403): the credentials were refused or may not read it;"
                + " check "
                + CREDENTIALS),
        StorageErrors.describe(e, in, "--input"));
  }

  @Test
  void writeToAMissingBucket() {
    String out = "s3a://nobkt-spark-test/out";
    Exception e = assertThrows(Exception.class, () -> write(out));
    assertEquals(
        Optional.of(
            "--output "
                + out
                + ": bucket nobkt-spark-test does not exist at the configured endpoint; check the"
                + " bucket name, fs.s3a.endpoint and fs.s3a.endpoint.region"),
        StorageErrors.describe(e, out, "--output"));
  }

  @Test
  void writeToAReadOnlyBucket() {
    proxy.add(
        FaultProxy.Rule.on("PUT|POST|DELETE", "")
            .error(403, "AccessDenied", "Access Denied")
            .times(Integer.MAX_VALUE));
    set(Map.of("fs.s3a.endpoint", proxy.endpoint()));
    String out = s3.uri("ro/out");
    Exception e = assertThrows(Exception.class, () -> write(out));
    assertEquals(
        Optional.of(
            "--output "
                + out
                + ": access denied: these credentials may not write to it; check "
                + CREDENTIALS
                + ", and the bucket policy"),
        StorageErrors.describe(e, out, "--output"));
  }

  @Test
  void aTaskFailureUnderSparksWrappers() {
    // the part uploads fail inside the tasks: Spark wraps them in "Job aborted due to stage
    // failure" and the task-write failure
    proxy.add(
        FaultProxy.Rule.on("PUT", "[?&]partNumber=")
            .error(500, "InternalError", "We encountered an internal error.")
            .times(Integer.MAX_VALUE));
    set(Map.of("fs.s3a.endpoint", proxy.endpoint()));
    String out = s3.uri("fail/out");
    Exception e = assertThrows(Exception.class, () -> write(out));
    assertEquals("org.apache.spark.SparkException", e.getClass().getName(), e.toString());
    assertEquals(
        Optional.of(
            "--output "
                + out
                + ": the storage service failed (HTTP 500 InternalError) after the retries of"
                + " fs.s3a.retry.limit; try again later"),
        StorageErrors.describe(e, out, "--output"));
  }
}
