package dev.packbert.mask;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import scala.collection.Seq;

/**
 * Spark SQL access to {@link BlockDiagonalMask}: {@code block_diagonal_mask(segment_ids array<int>)
 * → array<array<tinyint>>}; null in, null out.
 *
 * <p>Memory: materialising the mask costs L² per row on top of the L segment ids — as tinyint,
 * L=128 is 16 KiB per row and L=512 is 256 KiB per row (a 32-row batch at 512: 8 MiB; a million
 * rows at 128: 16 GiB), and Spark's nested-array format adds per-array headers on top of that. The
 * segment ids carry the same information in L ints (512 B at L=128), so prefer building the mask
 * inside the model graph ({@code equal(seg[:, :, None], seg[:, None, :]) & (seg != 0)}) and use
 * this column only to inspect masks, or to feed a model that needs a precomputed mask for small
 * data.
 */
public final class MaskFunctions {
  private MaskFunctions() {}

  public static final String NAME = "block_diagonal_mask";

  public static final UserDefinedFunction BLOCK_DIAGONAL_MASK =
      functions
          .udf(
              (UDF1<Seq<Integer>, byte[][]>) MaskFunctions::mask,
              DataTypes.createArrayType(
                  DataTypes.createArrayType(DataTypes.ByteType, false), false))
          .withName(NAME);

  /** Registers {@value #NAME} on the session for SQL and {@code functions.call_udf}. */
  public static void register(SparkSession spark) {
    spark.udf().register(NAME, BLOCK_DIAGONAL_MASK);
  }

  private static byte[][] mask(Seq<Integer> segmentIds) {
    if (segmentIds == null) {
      return null;
    }
    int[] seg = new int[segmentIds.length()];
    for (int i = 0; i < seg.length; i++) {
      Integer v = segmentIds.apply(i);
      seg[i] = v == null ? 0 : v;
    }
    return BlockDiagonalMask.of(seg);
  }
}
