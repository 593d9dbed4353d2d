package dev.packbert.text;

import org.apache.spark.sql.SparkSession;

/** One local[2] session for all Spark tests in the fork; JVM exit tears it down. */
final class SparkTestSession {
  private SparkTestSession() {}

  static SparkSession get() {
    return SparkSession.builder()
        .master("local[2]")
        .appName("packbert-text-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate();
  }
}
