package dev.packbert.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WordPieceTokenizerStageTest {
  static final StructType SCHEMA = new StructType().add("id", "string").add("text", "string");

  private static Dataset<Row> sample(SparkSession spark, List<String> texts) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      rows.add(RowFactory.create("d" + i, texts.get(i)));
    }
    rows.add(RowFactory.create("null", null));
    return spark.createDataFrame(rows, SCHEMA).repartition(2);
  }

  @Test
  void pipelineSavesLoadsAndMatchesHuggingFace(@TempDir Path dir) throws Exception {
    SparkSession spark = SparkTestSession.get();
    Vocabulary vocab = TestTexts.cased();
    List<String> texts = TestTexts.europarlSentences(200, 50);
    Dataset<Row> df = sample(spark, texts);

    WordPieceTokenizerStage stage =
        new WordPieceTokenizerStage()
            .setVocabulary(vocab)
            .setLowerCase(false)
            .setInputCol("text")
            .setOutputCol("ids");
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {stage});
    String pipelinePath = dir.resolve("pipeline").toString();
    pipeline.write().overwrite().save(pipelinePath);
    PipelineModel model = Pipeline.load(pipelinePath).fit(df);
    String modelPath = dir.resolve("model").toString();
    model.write().overwrite().save(modelPath);
    PipelineModel reloaded = PipelineModel.load(modelPath);

    WordPieceTokenizerStage loadedStage = (WordPieceTokenizerStage) reloaded.stages()[0];
    assertEquals(false, loadedStage.getLowerCase());
    assertEquals(vocab.size(), loadedStage.getVocab().length);

    List<Row> direct = pipeline.fit(df).transform(df).orderBy("id").collectAsList();
    List<Row> viaDisk = reloaded.transform(df).orderBy("id").collectAsList();
    assertEquals(texts.size() + 1, viaDisk.size());
    try (HuggingFaceTokenizer hf = HfReference.forVocabulary(vocab, false, dir)) {
      for (int i = 0; i < viaDisk.size(); i++) {
        Row r = viaDisk.get(i);
        int[] ids = toInts(r.getList(2));
        assertArrayEquals(
            toInts(direct.get(i).getList(2)),
            ids,
            "saved+loaded = in-memory for " + r.getString(0));
        String text = r.getString(1);
        assertArrayEquals(
            HfReference.encode(hf, text == null ? "" : text), ids, "vs HF for " + r.getString(0));
      }
    }
  }

  @Test
  void standaloneStageSavesAndLoads(@TempDir Path dir) throws Exception {
    WordPieceTokenizerStage stage =
        new WordPieceTokenizerStage().setVocabulary(TestTexts.uncased());
    String path = dir.resolve("stage").toString();
    stage.save(path);
    WordPieceTokenizerStage back = WordPieceTokenizerStage.load(path);
    assertEquals(stage.uid(), back.uid());
    assertEquals("text", back.getInputCol());
    assertEquals("token_ids", back.getOutputCol());
    assertTrue(back.getLowerCase());
    Dataset<Row> df = sample(SparkTestSession.get(), List.of("Hello World"));
    List<Row> rows = back.transform(df).orderBy("id").collectAsList();
    assertArrayEquals(stage.tokenizer().encode("Hello World"), toInts(rows.get(0).getList(2)));
  }

  @Test
  void schemaChecksInputType() {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> numbers = spark.range(3).toDF("text");
    WordPieceTokenizerStage stage =
        new WordPieceTokenizerStage().setVocabulary(TestTexts.uncased());
    assertThrows(IllegalArgumentException.class, () -> stage.transformSchema(numbers.schema()));
    assertThrows(
        IllegalArgumentException.class, () -> stage.setInputCol("missing").transformSchema(SCHEMA));
  }

  private static int[] toInts(List<Integer> list) {
    return list.stream().mapToInt(Integer::intValue).toArray();
  }

  @Test
  void laterTransformsReuseTheBroadcastUntilTheTokenizerChanges() {
    SparkSession spark = SparkTestSession.get();
    WordPieceTokenizerStage stage =
        new WordPieceTokenizerStage().setVocabulary(TestTexts.uncased()).setLowerCase(true);
    var first = stage.sharedTokenizer(spark.sparkContext());
    assertTrue(first == stage.sharedTokenizer(spark.sparkContext()), "same params, same broadcast");
    stage.setLowerCase(false);
    var changed = stage.sharedTokenizer(spark.sparkContext());
    assertTrue(first != changed, "a changed param needs a new broadcast");
    assertEquals(false, changed.value().doLowerCase());
  }
}
