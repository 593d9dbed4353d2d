package dev.packbert.spark;

import dev.packbert.model.EngineKind;
import dev.packbert.model.Pooling;
import dev.packbert.model.Precision;
import dev.packbert.weights.ModelRegistry;
import dev.packbert.weights.ResolvedModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
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
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Spark ML stage: packed rows in, one row per packed sentence out, with one {@code array<float>}
 * column per pooling and an {@code error} column (null, or why the engine failed on the sentence's
 * row). Each batch gets its attention mask (the block-diagonal mask of its rows, or the {@code
 * maskCol} a user gives), runs on the executor's engine, is pooled and, with {@code normalize},
 * L2-normalized, and is unpacked into its sentences. Each executor JVM loads the model once ({@link
 * ExecutorModels}) and every task of that executor shares it; batches are formed by a token budget,
 * not a row count.
 *
 * <p>The model is resolved once, on the driver, into a {@link ResolvedModel} that the tasks carry:
 * {@link #setModel(ResolvedModel)} hands over one already resolved (the job's), {@link
 * #setModel(String)} resolves the name or path at {@link #transform}.
 */
public class BertEmbedder extends Transformer
    implements HasPoolings, HasNormalize, DefaultParamsWritable {
  private static final long serialVersionUID = 1L;
  private final String uid;

  private final Param<String> model;
  private final StringArrayParam poolings;
  private final IntParam tokensPerBatch;
  private final Param<String> precision;
  private final Param<String> maskCol;
  private final IntParam threads;
  private final Param<String> engine;
  private final BooleanParam normalize;

  private transient EmbedderStats stats;
  private transient ResolvedModel resolved;

  public BertEmbedder() {
    this(Identifiable$.MODULE$.randomUID("bertEmbedder"));
  }

  public BertEmbedder(String uid) {
    this.uid = uid;
    model =
        new Param<>(
            this,
            "model",
            "model name ("
                + String.join(", ", ModelRegistry.names())
                + ") or directory (local, hdfs://, s3a://)");
    poolings = HasPoolings.poolingsParam(this);
    tokensPerBatch =
        new IntParam(
            this,
            "tokensPerBatch",
            "token budget of one engine batch (rows × length)",
            ParamValidators.gtEq(1));
    precision =
        new Param<>(
            this,
            "precision",
            "fp32 (exact), bf16 (tensorflow engine) or int8 (onnxruntime engine)");
    maskCol =
        new Param<>(
            this,
            "maskCol",
            "optional column with a [L][L] attention mask per row (1 = may attend); empty = each batch's block-diagonal mask, built from segment_ids");
    threads =
        new IntParam(
            this,
            "threads",
            "engine threads: TensorFlow's per executor, ONNX Runtime's per task; 0 = the executor's cores (TensorFlow) or spark.task.cpus (ONNX Runtime)",
            ParamValidators.gtEq(0));
    engine =
        new Param<>(
            this,
            "engine",
            "tensorflow (default; GPU, bf16) or onnxruntime (CPU): the runtime that runs BERT");
    normalize = HasNormalize.normalizeParam(this);
    setDefault(model, "bert-base-uncased");
    setDefault(normalize, false);
    setDefault(poolings, new String[] {"mean"});
    setDefault(tokensPerBatch, 4096);
    setDefault(precision, "fp32");
    setDefault(maskCol, "");
    setDefault(threads, 0);
    setDefault(engine, "tensorflow");
  }

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> model() {
    return model;
  }

  @Override
  public StringArrayParam poolings() {
    return poolings;
  }

  public IntParam tokensPerBatch() {
    return tokensPerBatch;
  }

  public Param<String> precision() {
    return precision;
  }

  public Param<String> maskCol() {
    return maskCol;
  }

  public IntParam threads() {
    return threads;
  }

  public Param<String> engine() {
    return engine;
  }

  public BertEmbedder setEngine(String v) {
    set(engine, v);
    return this;
  }

  public BertEmbedder setEngine(EngineKind v) {
    return setEngine(v.label());
  }

  public EngineKind getEngine() {
    return EngineKind.parse($(engine));
  }

  @Override
  public BooleanParam normalize() {
    return normalize;
  }

  public BertEmbedder setNormalize(boolean v) {
    set(normalize, v);
    return this;
  }

  /** A model name or directory, resolved when the stage transforms. */
  public BertEmbedder setModel(String v) {
    set(model, v);
    resolved = null;
    return this;
  }

  /** A model already resolved (by the job, or by another stage's caller): not looked up again. */
  public BertEmbedder setModel(ResolvedModel m) {
    set(model, m.source());
    resolved = m;
    return this;
  }

  public BertEmbedder setPoolings(String... v) {
    set(poolings, v);
    return this;
  }

  public BertEmbedder setTokensPerBatch(int v) {
    set(tokensPerBatch, v);
    return this;
  }

  public BertEmbedder setPrecision(String v) {
    set(precision, v);
    return this;
  }

  public BertEmbedder setPrecision(Precision v) {
    return setPrecision(v.label());
  }

  public Precision getPrecision() {
    return Precision.parse($(precision));
  }

  public BertEmbedder setMaskCol(String v) {
    set(maskCol, v);
    return this;
  }

  public BertEmbedder setThreads(int v) {
    set(threads, v);
    return this;
  }

  public BertEmbedder setStats(EmbedderStats s) {
    this.stats = s;
    return this;
  }

  /** The counters of the last {@link #transform}, filled as its output is computed. */
  public EmbedderStats stats() {
    return stats;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    for (String c : List.of("input_ids", "segment_ids", "position_ids", "token_type_ids")) {
      requireIntArray(schema, c);
    }
    if (!Arrays.asList(schema.fieldNames()).contains("sentences")
        || !(schema.apply("sentences").dataType() instanceof ArrayType a)
        || !(a.elementType() instanceof StructType st)) {
      throw new IllegalArgumentException(
          "BertEmbedder needs the packer's 'sentences' column (array of struct)");
    }
    for (String f : List.of("offset", "length")) {
      if (!Arrays.asList(st.fieldNames()).contains(f)) {
        throw new IllegalArgumentException("sentences struct lacks field '" + f + "'");
      }
    }
    String m = $(maskCol);
    if (!m.isEmpty()) {
      if (!Arrays.asList(schema.fieldNames()).contains(m)) {
        throw new IllegalArgumentException("mask column '" + m + "' does not exist");
      }
      DataType t = schema.apply(m).dataType();
      if (!(t instanceof ArrayType outer)
          || !(outer.elementType() instanceof ArrayType inner)
          || !(inner.elementType() instanceof org.apache.spark.sql.types.NumericType)) {
        throw new IllegalArgumentException(
            "mask column '" + m + "' must be array<array<numeric>>, is " + t.simpleString());
      }
    }
    getPrecision().requireEngine(getEngine().requireAvailable());
    List<StructField> out = new ArrayList<>(Arrays.asList(st.fields()));
    DataType vector = DataTypes.createArrayType(DataTypes.FloatType, false);
    for (Pooling p : getPoolings()) {
      out.add(DataTypes.createStructField(p.column(), vector, true));
    }
    out.add(DataTypes.createStructField("error", DataTypes.StringType, true));
    return DataTypes.createStructType(out);
  }

  private static void requireIntArray(StructType schema, String c) {
    if (!Arrays.asList(schema.fieldNames()).contains(c)) {
      throw new IllegalArgumentException(
          "BertEmbedder needs column '" + c + "' (run SentencePacker first)");
    }
    DataType t = schema.apply(c).dataType();
    if (!(t instanceof ArrayType a) || !a.elementType().equals(DataTypes.IntegerType)) {
      throw new IllegalArgumentException(
          "column '" + c + "' must be array<int>, is " + t.simpleString());
    }
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType outSchema = transformSchema(dataset.schema());
    if (stats == null) {
      stats = new EmbedderStats(dataset.sparkSession().sparkContext());
    }
    if (resolved == null) {
      resolved = ResolvedModel.of($(model));
    }
    EmbedPartition f =
        new EmbedPartition(
            resolved,
            getPoolings(),
            (Integer) $(tokensPerBatch),
            getPrecision(),
            $(maskCol),
            (Integer) $(threads),
            getEngine(),
            getNormalize(),
            dataset.schema(),
            stats);
    return dataset.toDF().mapPartitions(f, Encoders.row(outSchema));
  }

  @Override
  public BertEmbedder copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  public static MLReader<BertEmbedder> read() {
    return new DefaultParamsReader<>();
  }

  public static BertEmbedder load(String path) {
    return read().load(path);
  }
}
