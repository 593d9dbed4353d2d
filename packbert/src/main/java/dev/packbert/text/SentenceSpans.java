package dev.packbert.text;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * One document's sentence rows as {@link SentenceSplitter} emits them ({@code doc_id}, {@code
 * sentence_index}, {@code begin}, {@code end} exclusive, {@code text}), from {@link
 * LanguageSentenceSplitter}: {@code text} is exactly {@code document.substring(begin, end)}, in
 * every script, because the splitter returns indices into the original string rather than
 * re-anchored annotations.
 */
public final class SentenceSpans {
  private SentenceSpans() {}

  /**
   * The rows of one document; a document with any non-whitespace character gets at least one row, a
   * blank or null one none (the splitter's callers reject those before).
   *
   * @param language an ISO 639-1 code ("zh", "de"), a locale ("pt-BR"), or {@link
   *     LanguageSentenceSplitter#AUTO} / null to pick the rules from the text's script
   */
  public static List<Row> rows(String docId, String text, String language) {
    int[][] spans = LanguageSentenceSplitter.split(text, language);
    List<Row> out = new ArrayList<>(spans.length);
    for (int i = 0; i < spans.length; i++) {
      int begin = spans[i][0];
      int end = spans[i][1];
      out.add(RowFactory.create(docId, i, begin, end, text.substring(begin, end)));
    }
    return out;
  }

  /**
   * {@link #rows} as a Spark flatMap over rows whose first two columns are the document's id and
   * text (strings): {@code accepted.flatMap(SentenceSpans.flatMap(lang),
   * Encoders.row(SentenceSplitter.SCHEMA))}.
   */
  public static FlatMapFunction<Row, Row> flatMap(String language) {
    return r -> rows(r.getString(0), r.getString(1), language).iterator();
  }
}
