package dev.packbert.bench;

import dev.packbert.pack.OverLength;
import dev.packbert.text.BertTokenizer;
import dev.packbert.text.SentenceSplitter;
import dev.packbert.text.Vocabulary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
   * Held-out sentences for quality ({@code bench quality}): never among the timing sentences, which
   * {@link #sentences} takes from the first English documents of the sample (250 of its 1,176 for
   * 2,000 sentences). These come from the English documents from the last one backwards, split at
   * sentence boundaries by {@link BreakIterator} (no Spark needed), at least 3 words each, each
   * text once (ignoring case: duplicates would tie as each other's nearest neighbours). Stops at
   * the first {@link #HELD_OUT_DOCUMENTS} documents from the end, so that it never reaches the
   * first half of the sample, and skips any sentence that also occurs in the documents before
   * those.
   */
  public static List<String> heldOut(int wanted) {
    List<String[]> docs;
    try {
      docs = EuroparlSample.englishDocuments(Integer.MAX_VALUE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int first = Math.max(0, docs.size() - HELD_OUT_DOCUMENTS);
    // europarl repeats formulae across sittings: a sentence of the earlier documents (where the
    // timing corpus comes from) is not held out even when it recurs here
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int d = 0; d < first; d++) {
      for (String t : breakSentences(docs.get(d)[1])) {
        seen.add(t.toLowerCase(Locale.ROOT));
      }
    }
    List<String> out = new ArrayList<>();
    for (int d = docs.size() - 1; d >= first; d--) {
      for (String t : breakSentences(docs.get(d)[1])) {
        if (out.size() < wanted
            && t.split("\\s+").length >= 3
            && seen.add(t.toLowerCase(Locale.ROOT))) {
          out.add(t);
        }
      }
      if (out.size() == wanted) {
        return out;
      }
    }
    throw new IllegalArgumentException(
        "the last "
            + HELD_OUT_DOCUMENTS
            + " English europarl documents hold only "
            + out.size()
            + " distinct sentences; ask for fewer");
  }

  private static List<String> breakSentences(String body) {
    BreakIterator it = BreakIterator.getSentenceInstance(Locale.ROOT);
    it.setText(body);
    List<String> out = new ArrayList<>();
    for (int start = it.first(), end = it.next();
        end != BreakIterator.DONE;
        start = end, end = it.next()) {
      String t = body.substring(start, end).strip();
      if (!t.isEmpty()) {
        out.add(t);
      }
    }
    return out;
  }

  /** How far from the end of the sample {@link #heldOut} may read. */
  static final int HELD_OUT_DOCUMENTS = 500;

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
