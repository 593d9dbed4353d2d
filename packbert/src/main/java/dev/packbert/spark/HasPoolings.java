package dev.packbert.spark;

import dev.packbert.model.Pooling;
import java.util.EnumSet;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.param.StringArrayParam;

/**
 * A stage that reads or writes the pooled vector columns ({@code cls}, {@code mean}, {@code
 * pooler}, {@code max}: one column per pooling, named as the pooling). Shared like Spark's own
 * {@code HasInputCols}, which Java code cannot mix in.
 */
public interface HasPoolings extends Params {
  StringArrayParam poolings();

  /** The param every implementing stage creates in its constructor. */
  static StringArrayParam poolingsParam(Params owner) {
    return new StringArrayParam(
        owner, "poolings", "pooled vector columns: any of cls, mean, pooler, max");
  }

  default EnumSet<Pooling> getPoolings() {
    return Pooling.parseList(String.join(",", getOrDefault(poolings())));
  }
}
