package dev.packbert.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SentenceSplitterTest {
  static SparkSession spark;
  static Map<String, String> texts = new HashMap<>();
  static Dataset<Row> docs;

  @BeforeAll
  static void setUp() throws Exception {
    spark = SparkTestSession.get();
    List<Row> rows = new ArrayList<>();
    ObjectMapper om = new ObjectMapper();
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(
                SentenceSplitterTest.class
                    .getClassLoader()
                    .getResourceAsStream("sample/europarl-en-300.jsonl"),
                StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        JsonNode n = om.readTree(line);
        rows.add(RowFactory.create(n.get("id").asText(), n.get("text").asText()));
      }
    }
    rows.add(
        RowFactory.create(
            "tricky",
            "  Hello world.  This is Mr. Smith's car!\n\n😀 Emoji here?\r\nYes 中文。 Done"));
    rows.add(RowFactory.create("nosplit", "no punctuation at all"));
    rows.add(RowFactory.create("null-text", null));
    rows.add(RowFactory.create("empty", ""));
    rows.add(RowFactory.create("blank", " \t\r\n\u00A0 "));
    rows.add(RowFactory.create(null, "A document without an id."));
    rows.forEach(r -> texts.put(r.getString(0), r.getString(1)));
    docs =
        spark
            .createDataFrame(rows, new StructType().add("id", "string").add("body", "string"))
            .repartition(2);
  }

  @Test
  void sentenceSpansPointIntoOriginalText() {
    Dataset<Row> out = SentenceSplitter.split(docs, "id", "body", SentenceSplitter.MODE_SENTENCES);
    assertEquals(SentenceSplitter.SCHEMA.simpleString(), out.schema().simpleString());
    Map<String, TreeMap<Integer, Row>> byDoc = new HashMap<>();
    for (Row r : out.collectAsList()) {
      String id = r.getString(0);
      String original = texts.get(id);
      int begin = r.getInt(2), end = r.getInt(3);
      assertEquals(original.substring(begin, end), r.getString(4), "span of " + id);
      assertTrue(end > begin);
      byDoc.computeIfAbsent(id, k -> new TreeMap<>()).put(r.getInt(1), r);
    }
    assertEquals(302, byDoc.size(), "every accepted document has sentences");
    int sentences = 0;
    for (var e : byDoc.entrySet()) {
      TreeMap<Integer, Row> s = e.getValue();
      assertEquals(0, s.firstKey(), e.getKey());
      assertEquals(s.size() - 1, s.lastKey(), "indices 0..n-1 in " + e.getKey());
      int prevEnd = 0;
      for (Row r : s.values()) {
        assertTrue(r.getInt(2) >= prevEnd, "sentences in order, not overlapping: " + e.getKey());
        prevEnd = r.getInt(3);
      }
      sentences += s.size();
    }
    assertTrue(sentences > 3 * 300, "europarl bodies hold several sentences each: " + sentences);
    List<String> tricky = byDoc.get("tricky").values().stream().map(r -> r.getString(4)).toList();
    assertEquals("Hello world.", tricky.get(0));
    assertEquals("This is Mr. Smith's car!", tricky.get(1), "abbreviation Mr. is not a boundary");
    assertEquals("😀 Emoji here?", tricky.get(2));
    assertEquals(
        List.of("no punctuation at all"),
        byDoc.get("nosplit").values().stream().map(r -> r.getString(4)).toList());
    System.out.println(
        "sentences: " + sentences + " in " + byDoc.size() + " docs; tricky: " + tricky);
  }

  @Test
  void rejectedDocumentsAreCountable() {
    Map<String, String> reasons = new TreeMap<>();
    for (Row r : SentenceSplitter.rejected(docs, "id", "body").collectAsList()) {
      reasons.put(String.valueOf(r.getString(0)), r.getString(1));
    }
    assertEquals(
        Map.of(
            "null-text",
            "null_text",
            "empty",
            "empty_text",
            "blank",
            "empty_text",
            "null",
            "null_id"),
        reasons);
    long accepted = SentenceSplitter.split(docs, "id", "body", SentenceSplitter.MODE_NONE).count();
    assertEquals(docs.count(), accepted + reasons.size(), "accepted + rejected = input");
  }

  @Test
  void noneModeKeepsEachDocumentWhole() {
    Dataset<Row> out = SentenceSplitter.split(docs, "id", "body", SentenceSplitter.MODE_NONE);
    assertEquals(SentenceSplitter.SCHEMA.simpleString(), out.schema().simpleString());
    List<Row> rows = out.collectAsList();
    assertEquals(302, rows.size());
    for (Row r : rows) {
      String original = texts.get(r.getString(0));
      assertEquals(0, r.getInt(1));
      assertEquals(0, r.getInt(2));
      assertEquals(original.length(), r.getInt(3));
      assertEquals(original, r.getString(4));
    }
  }

  @Test
  void unknownModeIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> SentenceSplitter.split(docs, "id", "body", "paragraphs"));
  }
}
