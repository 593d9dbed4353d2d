package dev.packbert.pack;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.util.AccumulatorV2;

/**
 * A fixed set of long counters kept apart per (pass, partition), where a pass is one {@link
 * SentencePacker#transform} call, so that the total counts every partition exactly once however
 * often it was computed. Packing is deterministic: every complete computation of a partition yields
 * the same counts, and an incomplete one (a task killed or failed midway) yields no more in any
 * field. So the driver merges by keeping, per key, the field-wise maximum of what each attempt
 * reported, and it takes the reports of failed attempts too ({@link #register}): a task that failed
 * after it had cached its partition hands the partition to its retry, which then does no packing at
 * all. A plain {@code LongAccumulator} adds up every successful computation (too much after a
 * recomputation) and drops failed ones (too little in the case just described).
 *
 * <p>The key is the task's partition id: correct as long as one task computes one packer partition
 * (any stage layout after a repartition does); a coalesce that folds several packer partitions into
 * one task still counts each of them once, since they are always folded the same way.
 */
public final class PartitionCounters extends AccumulatorV2<PartitionCounters.Add, long[]> {
  private static final long serialVersionUID = 1L;

  /** One increment; {@link #add(long, int, long)} avoids the allocation on the hot path. */
  public record Add(long pass, int field, long delta) implements Serializable {}

  private record Key(long pass, int partition) implements Serializable {}

  private final int fields;
  private HashMap<Key, long[]> counts = new HashMap<>();

  public PartitionCounters(int fields) {
    this.fields = fields;
  }

  /** Adds {@code delta} to {@code field} of this task's partition in {@code pass}. */
  public void add(long pass, int field, long delta) {
    TaskContext task = TaskContext.get();
    // outside a task (packing on the driver, in tests) everything lands on one key
    Key key = new Key(pass, task == null ? -1 : task.partitionId());
    counts.computeIfAbsent(key, k -> new long[fields])[field] += delta;
  }

  @Override
  public void add(Add a) {
    add(a.pass(), a.field(), a.delta());
  }

  @Override
  public boolean isZero() {
    return counts.isEmpty();
  }

  @Override
  public PartitionCounters copy() {
    PartitionCounters c = new PartitionCounters(fields);
    for (Map.Entry<Key, long[]> e : counts.entrySet()) {
      c.counts.put(e.getKey(), e.getValue().clone());
    }
    return c;
  }

  @Override
  public void reset() {
    counts = new HashMap<>();
  }

  @Override
  public void merge(AccumulatorV2<Add, long[]> other) {
    for (Map.Entry<Key, long[]> e : ((PartitionCounters) other).counts.entrySet()) {
      long[] have = counts.computeIfAbsent(e.getKey(), k -> new long[fields]);
      long[] got = e.getValue();
      for (int i = 0; i < fields; i++) {
        have[i] = Math.max(have[i], got[i]); // see the class comment
      }
    }
  }

  /** Registers with the driver, counting failed task attempts too (see the class comment). */
  public void register(SparkContext sc, String name) {
    // Scala's private[spark] is public in bytecode; it is the only way to set countFailedValues
    register(sc, scala.Option.apply(name), true);
  }

  /** The sum over every (pass, partition) of each field. */
  @Override
  public long[] value() {
    long[] sum = new long[fields];
    for (long[] c : counts.values()) {
      for (int i = 0; i < fields; i++) {
        sum[i] += c[i];
      }
    }
    return sum;
  }
}
