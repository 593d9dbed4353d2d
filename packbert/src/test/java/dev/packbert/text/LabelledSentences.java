package dev.packbert.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The labelled multilingual sentence samples (test resources under {@code sample/}): documents in
 * 11 languages written with their sentences known, so a splitter can be scored against a gold that
 * no splitter produced. {@link #SAMPLE} is what the splitter's rules were developed on; {@link
 * #HELD_OUT} was written after they were first frozen, to measure overfitting.
 */
public final class LabelledSentences {
  public static final String SAMPLE = "sample/sentences-multilingual.jsonl";
  public static final String HELD_OUT = "sample/sentences-multilingual-heldout.jsonl";

  /** The languages of the samples, in the order the tables list them. */
  public static final List<String> LANGUAGES =
      List.of("zh", "ja", "ko", "hi", "ar", "ru", "de", "fr", "es", "th", "en");

  /** One document: its language, id, gold sentences (in order) and the text they make up. */
  public record Doc(String lang, String id, List<String> sentences, String text) {
    /** Gold boundaries: the end of every sentence but the last, as an index into the text. */
    public TreeSet<Integer> boundaries() {
      TreeSet<Integer> b = new TreeSet<>();
      int from = 0;
      for (int i = 0; i < sentences.size(); i++) {
        int at = text.indexOf(sentences.get(i), from);
        if (at < 0) {
          throw new IllegalStateException(id + ": gold sentence not in the text: " + sentences);
        }
        from = at + sentences.get(i).length();
        if (i < sentences.size() - 1) {
          b.add(from);
        }
      }
      return b;
    }
  }

  private LabelledSentences() {}

  public static List<Doc> load(String resource) {
    List<Doc> docs = new ArrayList<>();
    ObjectMapper om = new ObjectMapper();
    try (InputStream in = LabelledSentences.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("not on the classpath: " + resource);
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode n = om.readTree(line);
        List<String> s = new ArrayList<>();
        n.get("sentences").forEach(x -> s.add(x.asText()));
        docs.add(new Doc(n.get("lang").asText(), n.get("id").asText(), s, n.get("text").asText()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return docs;
  }

  /** Both samples. */
  public static List<Doc> all() {
    List<Doc> docs = new ArrayList<>(load(SAMPLE));
    docs.addAll(load(HELD_OUT));
    return docs;
  }
}
