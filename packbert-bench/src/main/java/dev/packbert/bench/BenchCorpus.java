package dev.packbert.bench;

import dev.packbert.pack.OverLength;
import dev.packbert.text.BertTokenizer;
import dev.packbert.text.SentenceSplitter;
import dev.packbert.text.Vocabulary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The benchmark's sentences: English europarl documents (Lucene's test-framework sample, already a
 * dependency) split by the job's own SentenceSplitter on a local Spark session, in document order.
 */
public final class BenchCorpus {
  /**
   * Every variant sees sentences clipped to this many tokens ([CLS] … [SEP]), Spark NLP's default
   * maxSentenceLength.
   */
  public static final int MAX_TOKENS = 128;

  private BenchCorpus() {}

  public static List<String> sentences(SparkSession spark, int wanted) {
    int docs = Math.max(20, wanted / 8);
    while (true) {
      List<String[]> raw;
      try {
        raw = EuroparlSample.englishDocuments(docs);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      List<Row> rows = new ArrayList<>();
      for (String[] d : raw) {
        rows.add(RowFactory.create(d[0], d[1]));
      }
      StructType schema =
          new StructType().add("id", DataTypes.StringType).add("text", DataTypes.StringType);
      Dataset<Row> split =
          new SentenceSplitter()
              .transform(spark.createDataFrame(rows, schema))
              .orderBy("doc_id", "sentence_index");
      // order by the documents' position in the sample, not their id strings
      List<String> ids = raw.stream().map(d -> d[0]).toList();
      List<Row> got = new ArrayList<>(split.collectAsList());
      got.sort(
          (a, b) ->
              a.getString(0).equals(b.getString(0))
                  ? Integer.compare(a.getInt(1), b.getInt(1))
                  : Integer.compare(ids.indexOf(a.getString(0)), ids.indexOf(b.getString(0))));
      List<String> out = new ArrayList<>();
      for (Row r : got) {
        String t = r.getString(4).strip();
        if (!t.isEmpty()) {
          out.add(t);
        }
      }
      if (out.size() >= wanted || raw.size() < docs) {
        return out.subList(0, Math.min(wanted, out.size()));
      }
      docs *= 2;
    }
  }

  /**
   * Token ids, clipped to {@link #MAX_TOKENS} keeping the final [SEP], as the job's truncation
   * does.
   */
  public static int[][] tokenize(List<String> sentences, Vocabulary vocab, boolean lowerCase) {
    BertTokenizer tok = new BertTokenizer(vocab, lowerCase);
    int[][] out = new int[sentences.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = OverLength.truncate(tok.encode(sentences.get(i)), MAX_TOKENS);
    }
    return out;
  }
}
