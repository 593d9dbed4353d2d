package dev.packbert.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.packbert.model.ReferenceTexts;
import dev.packbert.pack.SentencePacker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.collection.Seq;

/**
 * BertEmbedder through Spark with engine tensorflow and onnxruntime on all-MiniLM-L6-v2: the same
 * packed rows give the same vectors, with the in-graph mask and with a user mask column.
 */
class EngineChoiceStageTest {
  static SparkSession spark;
  static Dataset<Row> packed;

  static final StructType INPUT =
      new StructType(
          new StructField[] {
            DataTypes.createStructField("doc_id", DataTypes.StringType, true),
            DataTypes.createStructField("sentence_index", DataTypes.IntegerType, false),
            DataTypes.createStructField("begin", DataTypes.IntegerType, false),
            DataTypes.createStructField("end", DataTypes.IntegerType, false),
            DataTypes.createStructField("text", DataTypes.StringType, true),
            DataTypes.createStructField(
                "token_ids", DataTypes.createArrayType(DataTypes.IntegerType), true),
          });

  /**
   * A user mask that is not the block-diagonal one: each token sees only itself and earlier tokens
   * of its own sentence, so a stage that ignored the column would give other vectors.
   */
  static final UserDefinedFunction CAUSAL_IN_SENTENCE =
      functions.udf(
          (UDF1<Seq<Integer>, float[][]>)
              seq -> {
                int n = seq.length();
                float[][] m = new float[n][n];
                for (int i = 0; i < n; i++) {
                  for (int j = 0; j <= i; j++) {
                    int si = seq.apply(i);
                    m[i][j] = si != 0 && si == seq.apply(j) ? 1f : 0f;
                  }
                }
                return m;
              },
          DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType, false), false));

  @BeforeAll
  static void start() throws Exception {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate();
    List<Row> rows = new ArrayList<>();
    try (HuggingFaceTokenizer tok = ReferenceTexts.uncasedTokenizer()) {
      int i = 0;
      for (String s : ReferenceTexts.europarlSentences(40)) {
        List<Integer> ids = new ArrayList<>();
        for (int t : ReferenceTexts.ids(tok, s)) {
          ids.add(t);
        }
        rows.add(RowFactory.create("d" + (i / 10), i % 10, 0, s.length(), s, ids));
        i++;
      }
    }
    packed =
        new SentencePacker()
            .setMaxSeqLength(128)
            .setAlgorithm("lpfhp")
            // narrow rows: batches mix 64- and 128-wide rows and their masks
            .setNarrowRows(true)
            .transform(spark.createDataFrame(rows, INPUT).repartition(2))
            .withColumn("user_mask", CAUSAL_IN_SENTENCE.apply(functions.col("segment_ids")))
            .cache();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static Map<String, float[]> embed(String engine, String maskCol) {
    Map<String, float[]> out = new HashMap<>();
    for (Row r :
        new BertEmbedder()
            .setModel("all-minilm-l6-v2")
            .setEngine(engine)
            .setPoolings("mean", "cls")
            .setMaskCol(maskCol)
            .setThreads(1)
            .transform(packed)
            .collectAsList()) {
      assertTrue(r.isNullAt(r.fieldIndex("error")), () -> r.getString(r.fieldIndex("error")));
      List<Float> mean = r.getList(r.fieldIndex("mean"));
      List<Float> cls = r.getList(r.fieldIndex("cls"));
      float[] v = new float[mean.size() + cls.size()];
      for (int i = 0; i < mean.size(); i++) {
        v[i] = mean.get(i);
      }
      for (int i = 0; i < cls.size(); i++) {
        v[mean.size() + i] = cls.get(i);
      }
      out.put(
          r.getString(r.fieldIndex("doc_id")) + "/" + r.getInt(r.fieldIndex("sentence_index")), v);
    }
    return out;
  }

  static double maxDiff(Map<String, float[]> a, Map<String, float[]> b) {
    assertEquals(a.keySet(), b.keySet());
    double d = 0;
    for (String k : a.keySet()) {
      for (int i = 0; i < a.get(k).length; i++) {
        d = Math.max(d, Math.abs(a.get(k)[i] - b.get(k)[i]));
      }
    }
    return d;
  }

  @Test
  void onnxRuntimeEqualsTensorFlowWithBuiltAndUserMasks() {
    assertTrue(packed.count() < 20, "several sentences per packed row");
    assertTrue(
        packed.filter(functions.size(functions.col("input_ids")).equalTo(64)).count() > 0,
        "some rows are narrow");
    Map<String, float[]> tf = embed("tensorflow", "");
    Map<String, float[]> ort = embed("onnxruntime", "");
    Map<String, float[]> tfUser = embed("tensorflow", "user_mask");
    Map<String, float[]> ortUser = embed("onnxruntime", "user_mask");
    assertEquals(40, ort.size());
    double built = maxDiff(tf, ort);
    double user = maxDiff(tfUser, ortUser);
    double maskEffect = maxDiff(ort, ortUser);
    System.out.printf(
        "stage ORT vs TF: built mask %.2e, user mask %.2e; user mask effect %.2e%n",
        built, user, maskEffect);
    assertTrue(built <= 1e-4, "in-graph mask: " + built);
    assertTrue(user <= 1e-4, "user mask column: " + user);
    assertTrue(maskEffect > 1e-2, "the user mask must change the vectors");
  }

  @Test
  void unknownEngineAndBf16OnOnnxRuntimeFailBeforeAnyTask() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new BertEmbedder().setEngine("torch").transformSchema(packed.schema()));
    assertTrue(e.getMessage().contains("onnxruntime"), e.getMessage());
    IllegalArgumentException bf16 =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new BertEmbedder()
                    .setEngine("onnxruntime")
                    .setPrecision("bf16")
                    .transformSchema(packed.schema()));
    assertTrue(bf16.getMessage().contains("tensorflow"), bf16.getMessage());
  }
}
