package dev.packbert.spark;

import dev.packbert.ml.SchemaChecks;
import dev.packbert.pack.OverLength;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Spark ML stage after the tokenizer: adds {@code unit_key}, the content address of a sentence's
 * vector. It is the first 16 bytes of SHA-256 over the model fingerprint ({@link
 * EmbeddingPipeline#fingerprint()}: weights digest, pooling, normalization, precision, engine,
 * maximum length, over-length handling) and the sentence's token ids as the engine sees them (after
 * the prefix; truncated to {@code maxSeqLength} under {@code overLength=truncate}; whole under
 * {@code split}, whose window and stride are in the fingerprint), as 32 lower-case hex digits. Two
 * sentences with the same key get the same vector, so the job embeds each key once and an earlier
 * output's vector can be reused for it. The packer carries the key into every output row.
 */
public class UnitKeyer extends Transformer implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;

  /** The output column. */
  public static final String COLUMN = "unit_key";

  private final String uid;
  private final Param<String> fingerprint;
  private final Param<String> tokenIdsCol;
  private final IntParam maxSeqLength;
  private final Param<String> overLength;

  public UnitKeyer() {
    this(Identifiable$.MODULE$.randomUID("unitKeyer"));
  }

  public UnitKeyer(String uid) {
    this.uid = uid;
    fingerprint =
        new Param<>(
            this, "fingerprint", "digest of the model and every setting that changes a vector");
    tokenIdsCol = new Param<>(this, "tokenIdsCol", "input column: token ids (array<int>)");
    maxSeqLength = new IntParam(this, "maxSeqLength", "the packer's row length");
    overLength = new Param<>(this, "overLength", "the packer's truncate | split");
    setDefault(fingerprint, "");
    setDefault(tokenIdsCol, "token_ids");
    setDefault(maxSeqLength, EmbeddingPipeline.DEFAULT_MAX_SEQ_LENGTH);
    setDefault(overLength, "truncate");
  }

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> fingerprint() {
    return fingerprint;
  }

  public Param<String> tokenIdsCol() {
    return tokenIdsCol;
  }

  public IntParam maxSeqLength() {
    return maxSeqLength;
  }

  public Param<String> overLength() {
    return overLength;
  }

  public UnitKeyer setFingerprint(String v) {
    set(fingerprint, v);
    return this;
  }

  public UnitKeyer setTokenIdsCol(String v) {
    set(tokenIdsCol, v);
    return this;
  }

  public UnitKeyer setMaxSeqLength(int v) {
    set(maxSeqLength, v);
    return this;
  }

  public UnitKeyer setOverLength(String v) {
    set(overLength, v);
    return this;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    SchemaChecks.require(schema, $(tokenIdsCol), "UnitKeyer (after the tokenizer)");
    if (((String) $(fingerprint)).isEmpty()) {
      throw new IllegalArgumentException(
          "UnitKeyer needs a fingerprint (EmbeddingPipeline sets it)");
    }
    return schema.add(COLUMN, DataTypes.StringType, false);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType out = transformSchema(dataset.schema());
    int idsCol = dataset.schema().fieldIndex($(tokenIdsCol));
    byte[] salt = HexFormat.of().parseHex(EmbeddingPipeline.digestHex($(fingerprint)));
    int len = (Integer) $(maxSeqLength);
    boolean truncate = OverLength.parse($(overLength)) == OverLength.TRUNCATE;
    return dataset
        .toDF()
        .mapPartitions(
            (MapPartitionsFunction<Row, Row>)
                rows -> {
                  MessageDigest sha = sha256();
                  return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                      return rows.hasNext();
                    }

                    @Override
                    public Row next() {
                      Row r = rows.next();
                      int[] ids = ids(r, idsCol);
                      if (truncate && ids.length > len) {
                        ids = OverLength.truncate(ids, len);
                      }
                      Object[] cells = new Object[r.size() + 1];
                      for (int i = 0; i < r.size(); i++) {
                        cells[i] = r.get(i);
                      }
                      cells[r.size()] = key(sha, salt, ids);
                      return RowFactory.create(cells);
                    }
                  };
                },
            Encoders.row(out));
  }

  private static int[] ids(Row r, int col) {
    if (r.isNullAt(col)) {
      return new int[0];
    }
    List<Integer> l = r.getList(col);
    int[] a = new int[l.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = l.get(i);
    }
    return a;
  }

  /** The key of one unit: 16 bytes of SHA-256(salt ‖ ids as big-endian int32), hex. */
  public static String key(MessageDigest sha, byte[] salt, int[] ids) {
    sha.reset();
    sha.update(salt);
    ByteBuffer b = ByteBuffer.allocate(4 * ids.length);
    for (int id : ids) {
      b.putInt(id);
    }
    sha.update(b.array());
    byte[] d = sha.digest();
    return HexFormat.of().formatHex(d, 0, 16);
  }

  /** A document's key: over its sentences' keys in sentence order. */
  public static String documentKey(List<String> sentenceKeysInOrder) {
    MessageDigest sha = sha256();
    for (String k : sentenceKeysInOrder) {
      sha.update(String.valueOf(k).getBytes(StandardCharsets.US_ASCII));
      sha.update((byte) '\n');
    }
    return HexFormat.of().formatHex(sha.digest(), 0, 16);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public UnitKeyer copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  public static MLReader<UnitKeyer> read() {
    return new DefaultParamsReader<>();
  }

  public static UnitKeyer load(String path) {
    return read().load(path);
  }
}
