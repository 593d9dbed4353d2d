package dev.packbert.pack;

import java.util.Arrays;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Packs tokenized sentences into rows of at most {@code maxSeqLength} tokens (Krell et al. 2021),
 * one output row per packed row with the schema {@link PackedSchema#ROW}; the input columns are
 * consumed.
 *
 * <p>Statistics: if {@link #setStats(PackingStats)} was called, every transform adds to that
 * object; otherwise each {@link #transform} registers a new {@link PackingStats} on the dataset's
 * SparkContext, available from {@link #getLastStats()} once an action has run. The stats object is
 * not a param and is neither saved nor copied.
 */
public final class SentencePacker extends Transformer implements DefaultParamsWritable {
  /** The optional input column whose value each sentence's output struct carries. */
  public static final String UNIT_KEY = "unit_key";

  private static final long serialVersionUID = 1L;

  private final String uid;
  private final IntParam maxSeqLength;
  private final Param<String> algorithm;
  private final IntParam maxSentencesPerRow;
  private final IntParam window;
  private final Param<String> scope;
  private final Param<String> overLength;
  private final IntParam splitStride;
  private final BooleanParam narrowRows;
  private final Param<String> docIdCol;
  private final Param<String> sentenceIndexCol;
  private final Param<String> beginCol;
  private final Param<String> endCol;
  private final Param<String> textCol;
  private final Param<String> tokenIdsCol;

  private transient PackingStats stats;
  private transient PackingStats lastStats;

  public SentencePacker() {
    this(Identifiable$.MODULE$.randomUID("sentencePacker"));
  }

  public SentencePacker(String uid) {
    this.uid = uid;
    maxSeqLength =
        new IntParam(this, "maxSeqLength", "tokens per packed row (>= 2)", ParamValidators.gtEq(2));
    algorithm =
        new Param<>(
            this,
            "algorithm",
            "none | ffd | spfhp | lpfhp",
            ParamValidators.inArray(new String[] {"none", "ffd", "spfhp", "lpfhp"}));
    maxSentencesPerRow =
        new IntParam(
            this,
            "maxSentencesPerRow",
            "most sentences in one row (>= 1)",
            ParamValidators.gtEq(1));
    window =
        new IntParam(
            this,
            "window",
            "sentences a task buffers before packing (>= 1)",
            ParamValidators.gtEq(1));
    scope =
        new Param<>(
            this,
            "scope",
            "document: only one doc per row | partition: any sentences of a window",
            ParamValidators.inArray(new String[] {"document", "partition"}));
    overLength =
        new Param<>(
            this,
            "overLength",
            "truncate | split: sentences longer than maxSeqLength",
            ParamValidators.inArray(new String[] {"truncate", "split"}));
    splitStride =
        new IntParam(
            this,
            "splitStride",
            "inner tokens shared by consecutive split pieces (>= 0)",
            ParamValidators.gtEq(0));
    narrowRows =
        new BooleanParam(
            this,
            "narrowRows",
            "rows of sentences that fit in half a row are half as wide (half the attention cost)");
    docIdCol = new Param<>(this, "docIdCol", "input column: document id (string)");
    sentenceIndexCol =
        new Param<>(this, "sentenceIndexCol", "input column: sentence index in document (int)");
    beginCol = new Param<>(this, "beginCol", "input column: first char of the sentence (int)");
    endCol = new Param<>(this, "endCol", "input column: char after the sentence (int)");
    textCol = new Param<>(this, "textCol", "input column: sentence text (string)");
    tokenIdsCol =
        new Param<>(
            this, "tokenIdsCol", "input column: token ids with [CLS] and [SEP] (array<int>)");
    setDefault(maxSeqLength, 128);
    setDefault(algorithm, "spfhp");
    setDefault(maxSentencesPerRow, 64);
    setDefault(window, 10000);
    setDefault(scope, "partition");
    setDefault(overLength, "truncate");
    setDefault(splitStride, 32);
    // false keeps every row maxSeqLength wide, as before the param; the job turns it on
    setDefault(narrowRows, false);
    setDefault(docIdCol, "doc_id");
    setDefault(sentenceIndexCol, "sentence_index");
    setDefault(beginCol, "begin");
    setDefault(endCol, "end");
    setDefault(textCol, "text");
    setDefault(tokenIdsCol, "token_ids");
  }

  @Override
  public String uid() {
    return uid;
  }

  // --- params (Spark finds params through these public no-arg accessors) ---
  public IntParam maxSeqLength() {
    return maxSeqLength;
  }

  public Param<String> algorithm() {
    return algorithm;
  }

  public IntParam maxSentencesPerRow() {
    return maxSentencesPerRow;
  }

  public IntParam window() {
    return window;
  }

  public Param<String> scope() {
    return scope;
  }

  public Param<String> overLength() {
    return overLength;
  }

  public IntParam splitStride() {
    return splitStride;
  }

  public BooleanParam narrowRows() {
    return narrowRows;
  }

  public Param<String> docIdCol() {
    return docIdCol;
  }

  public Param<String> sentenceIndexCol() {
    return sentenceIndexCol;
  }

  public Param<String> beginCol() {
    return beginCol;
  }

  public Param<String> endCol() {
    return endCol;
  }

  public Param<String> textCol() {
    return textCol;
  }

  public Param<String> tokenIdsCol() {
    return tokenIdsCol;
  }

  public int getMaxSeqLength() {
    return (Integer) getOrDefault(maxSeqLength);
  }

  public String getAlgorithm() {
    return getOrDefault(algorithm);
  }

  public int getMaxSentencesPerRow() {
    return (Integer) getOrDefault(maxSentencesPerRow);
  }

  public int getWindow() {
    return (Integer) getOrDefault(window);
  }

  public String getScope() {
    return getOrDefault(scope);
  }

  public String getOverLength() {
    return getOrDefault(overLength);
  }

  public int getSplitStride() {
    return (Integer) getOrDefault(splitStride);
  }

  public boolean getNarrowRows() {
    return (Boolean) getOrDefault(narrowRows);
  }

  public String getDocIdCol() {
    return getOrDefault(docIdCol);
  }

  public String getSentenceIndexCol() {
    return getOrDefault(sentenceIndexCol);
  }

  public String getBeginCol() {
    return getOrDefault(beginCol);
  }

  public String getEndCol() {
    return getOrDefault(endCol);
  }

  public String getTextCol() {
    return getOrDefault(textCol);
  }

  public String getTokenIdsCol() {
    return getOrDefault(tokenIdsCol);
  }

  public SentencePacker setMaxSeqLength(int v) {
    set(maxSeqLength, v);
    return this;
  }

  public SentencePacker setAlgorithm(String v) {
    set(algorithm, v);
    return this;
  }

  public SentencePacker setAlgorithm(PackingAlgorithm v) {
    return setAlgorithm(v.paramValue());
  }

  public SentencePacker setMaxSentencesPerRow(int v) {
    set(maxSentencesPerRow, v);
    return this;
  }

  public SentencePacker setWindow(int v) {
    set(window, v);
    return this;
  }

  public SentencePacker setScope(String v) {
    set(scope, v);
    return this;
  }

  public SentencePacker setScope(PackingScope v) {
    return setScope(v.paramValue());
  }

  public SentencePacker setOverLength(String v) {
    set(overLength, v);
    return this;
  }

  public SentencePacker setOverLength(OverLength v) {
    return setOverLength(v.paramValue());
  }

  public SentencePacker setSplitStride(int v) {
    set(splitStride, v);
    return this;
  }

  public SentencePacker setNarrowRows(boolean v) {
    set(narrowRows, v);
    return this;
  }

  public SentencePacker setDocIdCol(String v) {
    set(docIdCol, v);
    return this;
  }

  public SentencePacker setSentenceIndexCol(String v) {
    set(sentenceIndexCol, v);
    return this;
  }

  public SentencePacker setBeginCol(String v) {
    set(beginCol, v);
    return this;
  }

  public SentencePacker setEndCol(String v) {
    set(endCol, v);
    return this;
  }

  public SentencePacker setTextCol(String v) {
    set(textCol, v);
    return this;
  }

  public SentencePacker setTokenIdsCol(String v) {
    set(tokenIdsCol, v);
    return this;
  }

  /** Counters every later transform adds to; see the class comment. */
  public SentencePacker setStats(PackingStats s) {
    this.stats = s;
    return this;
  }

  /** The counters the latest {@link #transform} on this instance writes to, or null before any. */
  public PackingStats getLastStats() {
    return lastStats;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    requireColumn(schema, getDocIdCol(), DataTypes.StringType);
    requireColumn(schema, getSentenceIndexCol(), DataTypes.IntegerType);
    requireColumn(schema, getBeginCol(), DataTypes.IntegerType);
    requireColumn(schema, getEndCol(), DataTypes.IntegerType);
    requireColumn(schema, getTextCol(), DataTypes.StringType);
    String tok = getTokenIdsCol();
    requireColumn(schema, tok, null);
    DataType t = schema.apply(tok).dataType();
    if (!(t instanceof ArrayType a) || !a.elementType().equals(DataTypes.IntegerType)) {
      throw new IllegalArgumentException(
          "column " + tok + " must be array<int>, is " + t.simpleString());
    }
    if (OverLength.parse(getOverLength()) == OverLength.SPLIT
        && (getMaxSeqLength() < 3 || getSplitStride() >= getMaxSeqLength() - 2)) {
      throw new IllegalArgumentException(
          "overLength=split needs splitStride < maxSeqLength - 2, got splitStride="
              + getSplitStride()
              + ", maxSeqLength="
              + getMaxSeqLength());
    }
    return PackedSchema.ROW;
  }

  private static void requireColumn(StructType schema, String name, DataType type) {
    if (!Arrays.asList(schema.fieldNames()).contains(name)) {
      throw new IllegalArgumentException(
          "input column "
              + name
              + " is missing; columns: "
              + String.join(", ", schema.fieldNames()));
    }
    DataType actual = schema.apply(name).dataType();
    if (type != null && !actual.equals(type)) {
      throw new IllegalArgumentException(
          "column " + name + " must be " + type.simpleString() + ", is " + actual.simpleString());
    }
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType in = dataset.schema();
    StructType out = transformSchema(in);
    PackingStats s =
        stats != null ? stats : PackingStats.register(dataset.sparkSession().sparkContext());
    lastStats = s;
    PartitionPacking.Columns cols =
        new PartitionPacking.Columns(
            in.fieldIndex(getDocIdCol()),
            in.fieldIndex(getSentenceIndexCol()),
            in.fieldIndex(getBeginCol()),
            in.fieldIndex(getEndCol()),
            in.fieldIndex(getTextCol()),
            in.fieldIndex(getTokenIdsCol()),
            // carried through to every piece's row when a UnitKeyer ran before the packer
            Arrays.asList(in.fieldNames()).contains(UNIT_KEY) ? in.fieldIndex(UNIT_KEY) : -1);
    int len = getMaxSeqLength();
    WindowPacker packer =
        new WindowPacker(
            PackingAlgorithm.parse(getAlgorithm()),
            len,
            getMaxSentencesPerRow(),
            PackingScope.parse(getScope()),
            getNarrowRows());
    PartitionPacking f =
        new PartitionPacking(
            cols, packer, len, getWindow(), OverLength.parse(getOverLength()), getSplitStride(), s);
    return dataset.toDF().mapPartitions(f, Encoders.row(out));
  }

  @Override
  public SentencePacker copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  public static MLReader<SentencePacker> read() {
    return new DefaultParamsReader<>();
  }

  public static SentencePacker load(String path) {
    return read().load(path);
  }
}
