package dev.packbert.job;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple4;
import scala.collection.JavaConverters;

/**
 * A long accumulator's value including tasks still running. The driver merges accumulator updates
 * only when a task ends, so a job of one long task would show 0 until it is done; executors also
 * report their running tasks' values with every heartbeat, which this listener keeps.
 */
final class LiveAccumulators extends SparkListener {
  private final LongAccumulator acc;
  private final Map<Long, Long> running = new ConcurrentHashMap<>();

  LiveAccumulators(LongAccumulator acc) {
    this.acc = acc;
  }

  long value() {
    long v = acc.value();
    for (long r : running.values()) {
      v += r;
    }
    return v;
  }

  @Override
  public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
    for (Tuple4<Object, Object, Object, scala.collection.Seq<AccumulableInfo>> t :
        JavaConverters.seqAsJavaList(update.accumUpdates())) {
      long taskId = (Long) t._1();
      for (AccumulableInfo info : JavaConverters.seqAsJavaList(t._4())) {
        if (info.id() == acc.id()
            && info.update().isDefined()
            && info.update().get() instanceof Long l) {
          running.put(taskId, l);
        }
      }
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    running.remove(end.taskInfo().taskId());
  }
}
