package dev.packbert.text;

import static org.apache.spark.sql.functions.col;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Spark ML stage: string column → array&lt;int&gt; of BERT WordPiece ids with [CLS] first and [SEP]
 * last (null text → [CLS][SEP]; never truncated). The vocabulary is a param, so a saved pipeline
 * carries it.
 *
 * <p>The tokenizer is built once on the driver and broadcast, so each executor JVM deserializes its
 * vocabulary and builds its trie once, not once per task as it did inside the task closure
 * (MiniLM's 30k-entry vocabulary: 25–60 ms per task, for every one of a job's hundreds of tasks).
 */
public class WordPieceTokenizerStage extends Transformer implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final Param<String> inputCol;
  private final Param<String> outputCol;
  private final StringArrayParam vocab;
  private final BooleanParam lowerCase;
  private final Param<String> prefix;

  // the broadcast transform last made, and the context and params it was made for
  private transient Broadcast<BertTokenizer> shared;
  private transient List<Object> sharedFor;

  public WordPieceTokenizerStage() {
    this(Identifiable$.MODULE$.randomUID("wordPieceTokenizer"));
  }

  /** Used by {@link DefaultParamsReader} and {@code copy}. */
  public WordPieceTokenizerStage(String uid) {
    this.uid = uid;
    inputCol = new Param<>(this, "inputCol", "string column to tokenize");
    outputCol =
        new Param<>(
            this, "outputCol", "array<int> output column of token ids with [CLS] and [SEP]");
    vocab =
        new StringArrayParam(
            this, "vocab", "WordPiece vocabulary tokens in id order (vocab.txt lines)");
    lowerCase =
        new BooleanParam(this, "lowerCase", "lower-case and strip accents (uncased vocabularies)");
    prefix =
        new Param<>(
            this,
            "prefix",
            "text put in front of every input before tokenization (E5's 'query: '); the input column"
                + " itself is left as it is");
    setDefault(inputCol, "text");
    setDefault(prefix, "");
    setDefault(outputCol, "token_ids");
    setDefault(lowerCase, true);
  }

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> inputCol() {
    return inputCol;
  }

  public Param<String> outputCol() {
    return outputCol;
  }

  public StringArrayParam vocab() {
    return vocab;
  }

  public BooleanParam lowerCase() {
    return lowerCase;
  }

  public String getInputCol() {
    return $(inputCol);
  }

  public String getOutputCol() {
    return $(outputCol);
  }

  public String[] getVocab() {
    return $(vocab);
  }

  public boolean getLowerCase() {
    return (Boolean) $(lowerCase);
  }

  public WordPieceTokenizerStage setInputCol(String value) {
    set(inputCol, value);
    return this;
  }

  public WordPieceTokenizerStage setOutputCol(String value) {
    set(outputCol, value);
    return this;
  }

  public WordPieceTokenizerStage setVocab(String[] value) {
    set(vocab, value);
    return this;
  }

  public WordPieceTokenizerStage setLowerCase(boolean value) {
    set(lowerCase, value);
    return this;
  }

  public Param<String> prefix() {
    return prefix;
  }

  public String getPrefix() {
    return $(prefix);
  }

  public WordPieceTokenizerStage setPrefix(String value) {
    set(prefix, value == null ? "" : value);
    return this;
  }

  public WordPieceTokenizerStage setVocabulary(Vocabulary v) {
    return setVocab(v.tokens().toArray(new String[0]));
  }

  /** The tokenizer these params describe. */
  public BertTokenizer tokenizer() {
    requireVocab();
    return new BertTokenizer(Vocabulary.of(Arrays.asList(getVocab())), getLowerCase());
  }

  private void requireVocab() {
    if (!isDefined(vocab)) {
      throw new IllegalStateException("vocab is not set on " + uid);
    }
  }

  /**
   * One broadcast per context and vocabulary, reused by later transforms: the job transforms once
   * per slice, and a new broadcast each time would keep a copy of the vocabulary per slice on the
   * driver until Spark's cleaner collects it.
   */
  synchronized Broadcast<BertTokenizer> sharedTokenizer(SparkContext sc) {
    requireVocab();
    List<Object> key = List.of(sc, Arrays.asList(getVocab()), getLowerCase());
    if (shared == null || !key.equals(sharedFor)) {
      shared = JavaSparkContext.fromSparkContext(sc).broadcast(tokenizer());
      sharedFor = key;
    }
    return shared;
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    Broadcast<BertTokenizer> tok = sharedTokenizer(dataset.sparkSession().sparkContext());
    String p = getPrefix();
    // The prefix joins the text only inside the tokenizer, so the text column, and the character
    // spans computed on it, stay those of the original document; a null text stays null
    UDF1<String, int[]> f =
        p.isEmpty()
            ? text -> tok.value().encode(text)
            : text -> tok.value().encode(text == null ? null : p + text);
    UserDefinedFunction encode =
        functions.udf(f, DataTypes.createArrayType(DataTypes.IntegerType, false));
    return dataset.withColumn(getOutputCol(), encode.apply(col(getInputCol())));
  }

  @Override
  public StructType transformSchema(StructType schema) {
    String in = getInputCol();
    if (!Arrays.asList(schema.fieldNames()).contains(in)) {
      throw new IllegalArgumentException(
          "input column '" + in + "' not found in " + schema.simpleString());
    }
    StructField field = schema.apply(in);
    if (!DataTypes.StringType.equals(field.dataType())) {
      throw new IllegalArgumentException(
          "input column '" + in + "' must be string, is " + field.dataType().simpleString());
    }
    if (Arrays.asList(schema.fieldNames()).contains(getOutputCol())) {
      throw new IllegalArgumentException("output column '" + getOutputCol() + "' already exists");
    }
    return schema.add(
        getOutputCol(), DataTypes.createArrayType(DataTypes.IntegerType, false), false);
  }

  @Override
  public WordPieceTokenizerStage copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  /** Companion-style reader, found by reflection when a saved Pipeline/PipelineModel is loaded. */
  public static MLReader<WordPieceTokenizerStage> read() {
    return new DefaultParamsReader<>();
  }

  public static WordPieceTokenizerStage load(String path) {
    return read().load(path);
  }
}
