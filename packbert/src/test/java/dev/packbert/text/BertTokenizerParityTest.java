package dev.packbert.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our tokenizer against HuggingFace tokenizers on thousands of real multilingual europarl
 * sentences.
 */
class BertTokenizerParityTest {
  static List<String> sentences;

  @BeforeAll
  static void load() {
    sentences = TestTexts.europarlSentences(6000, 3);
  }

  @Test
  void uncasedMatchesHuggingFace(@TempDir Path dir) throws Exception {
    Vocabulary v = TestTexts.uncased();
    try (HuggingFaceTokenizer hf = HfReference.forVocabulary(v, true, dir)) {
      compare("uncased", new BertTokenizer(v, true), hf);
    }
  }

  @Test
  void casedMatchesHuggingFace(@TempDir Path dir) throws Exception {
    Vocabulary v = TestTexts.cased();
    try (HuggingFaceTokenizer hf = HfReference.forVocabulary(v, false, dir)) {
      compare("cased", new BertTokenizer(v, false), hf);
    }
  }

  /** A tokenizer.json we did not write: MiniLM's (uncased BERT vocabulary, HF's own settings). */
  @Test
  void miniLmTokenizerJsonMatches() throws Exception {
    String res = "all-minilm-l6-v2-tokenizer.json";
    JsonNode root;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(res)) {
      root = new ObjectMapper().readTree(in);
    }
    assertTrue(root.at("/normalizer/lowercase").asBoolean(), "MiniLM is uncased");
    JsonNode vocabJson = root.at("/model/vocab");
    String[] tokens = new String[vocabJson.size()];
    for (Iterator<Map.Entry<String, JsonNode>> it = vocabJson.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      tokens[e.getValue().asInt()] = e.getKey();
    }
    try (HuggingFaceTokenizer hf = HfReference.fromResource(res)) {
      compare("minilm", new BertTokenizer(Vocabulary.of(Arrays.asList(tokens)), true), hf);
    }
  }

  private static void compare(String name, BertTokenizer ours, HuggingFaceTokenizer hf) {
    assertTrue(sentences.size() >= 5000, "need >= 5000 sentences, have " + sentences.size());
    List<String> diffs = new ArrayList<>();
    long tokens = 0;
    int nonAscii = 0;
    for (String s : sentences) {
      int[] expected = HfReference.encode(hf, s);
      int[] actual = ours.encode(s);
      tokens += expected.length;
      if (!s.chars().allMatch(c -> c < 128)) {
        nonAscii++;
      }
      if (!Arrays.equals(expected, actual)) {
        diffs.add(
            s + "\n  hf:   " + Arrays.toString(expected) + "\n  ours: " + Arrays.toString(actual));
      }
    }
    System.out.printf(
        "%s: %d sentences (%d non-ASCII), %d tokens, %d differences%n",
        name, sentences.size(), nonAscii, tokens, diffs.size());
    diffs.stream().limit(5).forEach(System.out::println);
    assertTrue(nonAscii > 1000, "sample should be multilingual");
    assertEquals(0, diffs.size(), "token id differences vs HF in " + name);
  }
}
