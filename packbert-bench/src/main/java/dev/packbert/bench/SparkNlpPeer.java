package dev.packbert.bench;

import com.johnsnowlabs.nlp.DocumentAssembler;
import com.johnsnowlabs.nlp.annotators.Tokenizer;
import com.johnsnowlabs.nlp.embeddings.BertEmbeddings;
import com.johnsnowlabs.nlp.embeddings.E5Embeddings;
import com.johnsnowlabs.nlp.embeddings.SentenceEmbeddings;
import dev.packbert.weights.ModelVocabulary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The peer: Spark NLP 5.5.3's own pipeline (DocumentAssembler → Tokenizer → BertEmbeddings →
 * SentenceEmbeddings AVERAGE) on the same MiniLM weights, loaded from ONNX through {@code
 * BertEmbeddings.loadSavedModel}. Settings: caseSensitive=false (MiniLM is uncased),
 * maxSentenceLength=128 (same clip as every PackBERT variant), batchSize as given (Spark NLP's
 * default is 8). Each sentence is one input row, so Spark NLP sees the same sentence units as
 * PackBERT.
 *
 * <p>That pipeline averages Spark NLP's word-token vectors, not every WordPiece with [CLS]/[SEP] as
 * sentence-transformers does, so its vectors differ from MiniLM's own. For a like-for-like check
 * the bench also runs Spark NLP's {@code E5Embeddings} (a BERT encoder with attention-mask mean
 * pooling over all pieces) on the same ONNX folder: {@link #meanPoolingPipeline}.
 */
public final class SparkNlpPeer {
  private SparkNlpPeer() {}

  /** Result of one timed pass: vectors in input order and the wall time of transform + collect. */
  // Carries primitive arrays to hot loops; never compared or hashed.
  @SuppressWarnings("ArrayRecordComponent")
  public record Pass(float[] vectors, int hidden, double seconds) {}

  /**
   * Writes model.onnx (output renamed to last_hidden_state) and assets/vocab.txt into a folder
   * Spark NLP can load.
   */
  public static Path prepare(Path miniLmDir, Path work) throws IOException {
    Path dir = work.resolve("sparknlp-minilm-onnx");
    Files.createDirectories(dir.resolve("assets"));
    int n =
        OnnxOutputRenamer.rename(
            miniLmDir.resolve("model.onnx"),
            dir.resolve("model.onnx"),
            "output_0",
            "last_hidden_state");
    if (n == 0) {
      throw new IOException(
          "MiniLM ONNX has no value named output_0; cannot prepare it for Spark NLP");
    }
    List<String> vocab = ModelVocabulary.read(miniLmDir).tokens();
    Files.write(dir.resolve("assets/vocab.txt"), vocab, StandardCharsets.UTF_8);
    return dir;
  }

  public static PipelineModel pipeline(SparkSession spark, Path onnxDir, int batchSize) {
    DocumentAssembler doc = new DocumentAssembler();
    doc.setInputCol("text");
    doc.setOutputCol("document");
    Tokenizer tok = new Tokenizer();
    tok.setInputCols(new String[] {"document"});
    tok.setOutputCol("token");
    BertEmbeddings bert = BertEmbeddings.loadSavedModel(onnxDir.toString(), spark, false);
    bert.setInputCols(new String[] {"document", "token"});
    bert.setOutputCol("embeddings");
    bert.setCaseSensitive(false);
    bert.setMaxSentenceLength(128);
    bert.setBatchSize(batchSize);
    SentenceEmbeddings avg = new SentenceEmbeddings();
    avg.setInputCols(new String[] {"document", "embeddings"});
    avg.setOutputCol("sentence_embeddings");
    avg.setPoolingStrategy("AVERAGE");
    Dataset<Row> empty = spark.createDataFrame(new ArrayList<>(), schema());
    return new Pipeline().setStages(new PipelineStage[] {doc, tok, bert, avg}).fit(empty);
  }

  /**
   * E5Embeddings runs one sentence per batch: in 5.5.3 its batched path changes the vectors of the
   * shorter sentences of a batch (mean cosine to sentence-transformers 0.86 at batch 8 against
   * 0.998 at batch 1 on the same europarl sentences), and batch 1 was no slower here (35.9 vs 36.9
   * sentences/s).
   */
  public static final int E5_BATCH_SIZE = 1;

  /**
   * The text as BERT-uncased's basic tokenizer sees it: lowercase, accents stripped (NFD without
   * combining marks), a space around every punctuation character (ASCII symbols and Unicode P*).
   * Spark NLP's tokenizers keep accents and do not split at e.g. U+2019, so the same raw text would
   * reach the peer as other pieces.
   */
  public static String bertUncasedText(String s) {
    String n =
        java.text.Normalizer.normalize(
            s.toLowerCase(java.util.Locale.ROOT), java.text.Normalizer.Form.NFD);
    StringBuilder out = new StringBuilder(n.length() + 16);
    n.codePoints()
        .forEach(
            cp -> {
              if (Character.getType(cp) == Character.NON_SPACING_MARK) {
                return;
              }
              if (isPunctuation(cp)) {
                out.append(' ').appendCodePoint(cp).append(' ');
              } else {
                out.appendCodePoint(cp);
              }
            });
    return out.toString().replaceAll("\\s+", " ").trim();
  }

  private static boolean isPunctuation(int cp) {
    if ((cp >= 33 && cp <= 47)
        || (cp >= 58 && cp <= 64)
        || (cp >= 91 && cp <= 96)
        || (cp >= 123 && cp <= 126)) {
      return true;
    }
    int t = Character.getType(cp);
    return t == Character.CONNECTOR_PUNCTUATION
        || t == Character.DASH_PUNCTUATION
        || t == Character.START_PUNCTUATION
        || t == Character.END_PUNCTUATION
        || t == Character.INITIAL_QUOTE_PUNCTUATION
        || t == Character.FINAL_QUOTE_PUNCTUATION
        || t == Character.OTHER_PUNCTUATION;
  }

  /**
   * DocumentAssembler → E5Embeddings on the same ONNX folder: WordPiece mean pooling, as
   * sentence-transformers.
   */
  public static PipelineModel meanPoolingPipeline(SparkSession spark, Path onnxDir, int batchSize) {
    DocumentAssembler doc = new DocumentAssembler();
    doc.setInputCol("text");
    doc.setOutputCol("document");
    E5Embeddings e5 = E5Embeddings.loadSavedModel(onnxDir.toString(), spark, false);
    e5.setInputCols(new String[] {"document"});
    e5.setOutputCol("sentence_embeddings");
    e5.setCaseSensitive(false);
    e5.setMaxSentenceLength(128);
    e5.setBatchSize(batchSize);
    Dataset<Row> empty = spark.createDataFrame(new ArrayList<>(), schema());
    return new Pipeline().setStages(new PipelineStage[] {doc, e5}).fit(empty);
  }

  public static Pass run(
      SparkSession spark, PipelineModel model, List<String> sentences, int partitions) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < sentences.size(); i++) {
      rows.add(RowFactory.create(i, sentences.get(i)));
    }
    Dataset<Row> in = spark.createDataFrame(rows, schema()).repartition(partitions);
    long t0 = System.nanoTime();
    List<Row> out =
        model
            .transform(in)
            .selectExpr("idx", "sentence_embeddings[0].embeddings as v")
            .collectAsList();
    double seconds = (System.nanoTime() - t0) / 1e9;
    int hidden = out.isEmpty() ? 0 : out.get(0).getList(1).size();
    float[] v = new float[sentences.size() * hidden];
    for (Row r : out) {
      List<Float> e = r.getList(1);
      int base = r.getInt(0) * hidden;
      for (int k = 0; k < hidden; k++) {
        v[base + k] = e.get(k);
      }
    }
    return new Pass(v, hidden, seconds);
  }

  private static StructType schema() {
    return new StructType().add("idx", DataTypes.IntegerType).add("text", DataTypes.StringType);
  }
}
