package dev.packbert.job;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;

/**
 * A Spark plugin ({@code spark.plugins=}) that fails the first attempt of every task on an even
 * partition <em>after</em> the task did its work, so the work is done twice and anything that
 * counts attempts instead of results over-counts. Tests only.
 */
public final class FailFirstAttempts implements SparkPlugin {
  private static final AtomicInteger FAILURES = new AtomicInteger();

  public static int failures() {
    return FAILURES.get();
  }

  @Override
  public DriverPlugin driverPlugin() {
    return new DriverPlugin() {
      @Override
      public Map<String, String> init(SparkContext sc, PluginContext ctx) {
        return Map.of();
      }
    };
  }

  @Override
  public ExecutorPlugin executorPlugin() {
    return new ExecutorPlugin() {
      @Override
      public void onTaskStart() {
        TaskContext task = TaskContext.get();
        if (task.attemptNumber() == 0 && task.partitionId() % 2 == 0) {
          task.addTaskCompletionListener(
              (TaskContext t) -> {
                if (!t.isInterrupted()) {
                  FAILURES.incrementAndGet();
                  throw new IllegalStateException("injected failure of a first attempt");
                }
              });
        }
      }
    };
  }
}
