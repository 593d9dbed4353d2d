package dev.packbert.spark;

import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.Params;

/**
 * A stage whose vectors are L2-normalized when the model's are (sentence-transformers' Normalize
 * module): the embedder normalizes each sentence vector; the window merger and the document rollup
 * normalize again after averaging, since a mean of unit vectors is shorter than 1.
 */
public interface HasNormalize extends Params {
  BooleanParam normalize();

  static BooleanParam normalizeParam(Params owner) {
    return new BooleanParam(
        owner,
        "normalize",
        "L2-normalize every vector (as sentence-transformers' Normalize module)");
  }

  default boolean getNormalize() {
    return (Boolean) getOrDefault(normalize());
  }
}
