package dev.packbert.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;

/**
 * The cores this executor's tasks own together. One TensorFlow session serves all of an executor's
 * concurrent tasks and its thread pools are per session, so they are sized to the executor, not to
 * one task (a pool of task.cpus threads would make concurrent tasks queue behind each other).
 */
final class ExecutorCores {
  private ExecutorCores() {}

  static int get() {
    SparkEnv env = SparkEnv.get();
    int machine = Runtime.getRuntime().availableProcessors();
    if (env == null) {
      return machine;
    }
    SparkConf conf = env.conf();
    if (conf.contains("spark.executor.cores")) {
      return Math.max(1, conf.getInt("spark.executor.cores", machine));
    }
    String master = conf.get("spark.master", "");
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("^local\\[(\\d+)").matcher(master);
    if (m.find()) {
      return Math.max(1, Math.min(machine, Integer.parseInt(m.group(1))));
    }
    return machine;
  }

  /** The cores one task owns: spark.task.cpus (1 unless set). */
  static int perTask() {
    SparkEnv env = SparkEnv.get();
    return env == null ? 1 : Math.max(1, env.conf().getInt("spark.task.cpus", 1));
  }
}
