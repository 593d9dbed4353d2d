package dev.packbert.spark;

import dev.packbert.model.EngineKind;
import dev.packbert.model.Pooling;
import dev.packbert.model.Precision;
import dev.packbert.weights.ModelRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.linalg.SQLDataTypes;
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
 * Spark ML stage: packed rows in, one row per packed sentence out, with one float-array column per
 * pooling. Each executor JVM loads the model once ({@link ExecutorModels}) and every task of that
 * executor shares it; batches are formed by a token budget, not a row count.
 */
public class BertEmbedder extends Transformer implements DefaultParamsWritable {
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
  private final Param<String> vectorType;

  private transient EmbedderStats stats;

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
    poolings =
        new StringArrayParam(
            this, "poolings", "pooling columns to produce: cls, mean, pooler, max");
    tokensPerBatch =
        new IntParam(
            this,
            "tokensPerBatch",
            "token budget of one engine batch (rows × length)",
            ParamValidators.gtEq(1));
    precision = new Param<>(this, "precision", "fp32 or bf16");
    maskCol =
        new Param<>(
            this,
            "maskCol",
            "optional column with a [L][L] attention mask per row (1 = may attend); empty = block-diagonal mask built in the graph");
    threads =
        new IntParam(
            this,
            "threads",
            "TensorFlow threads per executor; 0 = the executor's cores",
            ParamValidators.gtEq(0));
    engine =
        new Param<>(
            this,
            "engine",
            "tensorflow (default; GPU, bf16) or onnxruntime (CPU, fp32): the runtime that runs BERT");
    normalize =
        new BooleanParam(
            this,
            "normalize",
            "L2-normalize every pooled vector (as sentence-transformers' Normalize module)");
    vectorType =
        new Param<>(
            this,
            "vectorType",
            "array (array<float>) or ml (org.apache.spark.ml.linalg.Vector, for Spark ML estimators)",
            ParamValidators.inArray(new String[] {"array", "ml"}));
    setDefault(model, "bert-base-uncased");
    setDefault(normalize, false);
    setDefault(vectorType, "array");
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

  public BooleanParam normalize() {
    return normalize;
  }

  public Param<String> vectorType() {
    return vectorType;
  }

  public BertEmbedder setNormalize(boolean v) {
    set(normalize, v);
    return this;
  }

  public BertEmbedder setVectorType(String v) {
    set(vectorType, v);
    return this;
  }

  public BertEmbedder setModel(String v) {
    set(model, v);
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

  EnumSet<Pooling> poolingSet() {
    return Pooling.parseList(String.join(",", $(poolings)));
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
    Precision precisionValue = Precision.parse($(precision));
    if (EngineKind.parse($(engine)).requireAvailable() == EngineKind.ONNXRUNTIME
        && precisionValue != Precision.FP32) {
      throw new IllegalArgumentException("precision " + $(precision) + " needs engine tensorflow");
    }
    List<StructField> out = new ArrayList<>(Arrays.asList(st.fields()));
    DataType vector =
        mlVectors()
            ? SQLDataTypes.VectorType()
            : DataTypes.createArrayType(DataTypes.FloatType, false);
    for (Pooling p : poolingSet()) {
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
    EmbedPartition f =
        new EmbedPartition(
            $(model),
            poolingSet(),
            (Integer) $(tokensPerBatch),
            Precision.parse($(precision)),
            $(maskCol),
            (Integer) $(threads),
            EngineKind.parse($(engine)),
            (Boolean) $(normalize),
            dataset.schema(),
            stats);
    Dataset<Row> arrays = dataset.toDF().mapPartitions(f, Encoders.row(arraySchema(outSchema)));
    if (!mlVectors()) {
      return arrays;
    }
    for (Pooling p : poolingSet()) {
      arrays =
          arrays.withColumn(
              p.column(), org.apache.spark.ml.functions.array_to_vector(arrays.col(p.column())));
    }
    return arrays;
  }

  private boolean mlVectors() {
    return $(vectorType).equals("ml");
  }

  /** The engine's own output: pooled columns as array<float>, whatever vectorType says. */
  private StructType arraySchema(StructType out) {
    StructType s = new StructType();
    for (StructField f : out.fields()) {
      boolean pooled = poolingSet().stream().anyMatch(p -> p.column().equals(f.name()));
      s =
          s.add(
              pooled
                  ? DataTypes.createStructField(
                      f.name(), DataTypes.createArrayType(DataTypes.FloatType, false), true)
                  : f);
    }
    return s;
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
