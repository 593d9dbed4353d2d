package dev.packbert.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The rows {@link SentenceSpans} makes are SentenceSplitter's rows, with exact spans. */
class SentenceSpansTest {

  @Test
  void chineseDocumentsGetOneRowPerSentenceWithExactSpans() {
    String text = "今天天气很好。我们去公园散步吧！你觉得怎么样？";
    List<Row> rows = SentenceSpans.rows("d1", text, LanguageSentenceSplitter.AUTO);
    assertEquals(3, rows.size());
    assertEquals(List.of("今天天气很好。", "我们去公园散步吧！", "你觉得怎么样？"), texts(rows));
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      assertEquals("d1", r.getString(0));
      assertEquals(i, r.getInt(1));
      assertEquals(text.substring(r.getInt(2), r.getInt(3)), r.getString(4));
    }
  }

  @Test
  void everySampleDocumentInEveryScriptHasExactSpansInOrder() {
    for (LabelledSentences.Doc d : LabelledSentences.all()) {
      List<Row> rows = SentenceSpans.rows(d.id(), d.text(), d.lang());
      assertTrue(!rows.isEmpty(), d.id());
      int prevEnd = 0;
      for (Row r : rows) {
        assertTrue(r.getInt(2) >= prevEnd && r.getInt(3) > r.getInt(2), d.id());
        assertEquals(d.text().substring(r.getInt(2), r.getInt(3)), r.getString(4), d.id());
        prevEnd = r.getInt(3);
      }
    }
  }

  @Test
  void blankTextGivesNoRowsAndTextWithoutTerminatorOne() {
    assertEquals(0, SentenceSpans.rows("x", " \n ", "en").size());
    assertEquals(
        List.of("no punctuation at all"),
        texts(SentenceSpans.rows("x", " no punctuation at all ", "en")));
  }

  /** As a Spark flatMap, under SentenceSplitter's schema. */
  @Test
  void flatMapWritesSentenceSplitterRows() {
    SparkSession spark = SparkTestSession.get();
    List<Row> docs = new ArrayList<>();
    docs.add(RowFactory.create("zh", "今天天气很好。我们去公园散步吧！"));
    docs.add(RowFactory.create("hi", "आज मौसम अच्छा है। हम पार्क जाएंगे।"));
    docs.add(RowFactory.create("en", "Dr. Smith arrived. He was late."));
    Dataset<Row> in =
        spark.createDataFrame(docs, new StructType().add("doc_id", "string").add("text", "string"));
    Dataset<Row> out =
        in.flatMap(
            SentenceSpans.flatMap(LanguageSentenceSplitter.AUTO),
            Encoders.row(SentenceSplitter.SCHEMA));
    assertEquals(SentenceSplitter.SCHEMA.simpleString(), out.schema().simpleString());
    assertEquals(6, out.count());
  }

  private static List<String> texts(List<Row> rows) {
    return rows.stream().map(r -> r.getString(4)).toList();
  }
}
