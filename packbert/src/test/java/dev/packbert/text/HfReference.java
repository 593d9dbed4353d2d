package dev.packbert.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/** Independent reference: HuggingFace tokenizers (Rust, via DJL) configured as a BERT tokenizer. */
public final class HfReference {
  public static final Map<String, String> OPTIONS =
      Map.of(
          "addSpecialTokens",
          "true",
          "truncation",
          "false",
          "padding",
          "false",
          "modelMaxLength",
          "1000000",
          "maxLength",
          "1000000");

  private HfReference() {}

  /** Writes the tokenizer.json that HF's BertTokenizerFast would build for this vocab.txt. */
  public static HuggingFaceTokenizer forVocabulary(Vocabulary vocab, boolean lowerCase, Path dir)
      throws IOException {
    ObjectMapper om = new ObjectMapper();
    ObjectNode root = om.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    // no added tokens: Google's tokenizer has none either, so a literal "[CLS]" in text is split as
    // text
    root.putArray("added_tokens");
    ObjectNode norm = root.putObject("normalizer");
    norm.put("type", "BertNormalizer");
    norm.put("clean_text", true);
    norm.put("handle_chinese_chars", true);
    norm.put("strip_accents", lowerCase);
    norm.put("lowercase", lowerCase);
    root.putObject("pre_tokenizer").put("type", "BertPreTokenizer");
    ObjectNode post = root.putObject("post_processor");
    post.put("type", "TemplateProcessing");
    ArrayNode single = post.putArray("single");
    single.addObject().putObject("SpecialToken").put("id", Vocabulary.CLS).put("type_id", 0);
    single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
    single.addObject().putObject("SpecialToken").put("id", Vocabulary.SEP).put("type_id", 0);
    ArrayNode pair = post.putArray("pair");
    pair.addObject().putObject("SpecialToken").put("id", Vocabulary.CLS).put("type_id", 0);
    pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
    pair.addObject().putObject("SpecialToken").put("id", Vocabulary.SEP).put("type_id", 0);
    pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
    pair.addObject().putObject("SpecialToken").put("id", Vocabulary.SEP).put("type_id", 1);
    ObjectNode specials = post.putObject("special_tokens");
    for (String s : new String[] {Vocabulary.CLS, Vocabulary.SEP}) {
      ObjectNode t = specials.putObject(s);
      t.put("id", s);
      t.putArray("ids").add(vocab.id(s));
      t.putArray("tokens").add(s);
    }
    root.putNull("decoder");
    ObjectNode model = root.putObject("model");
    model.put("type", "WordPiece");
    model.put("unk_token", Vocabulary.UNK);
    model.put("continuing_subword_prefix", "##");
    model.put("max_input_chars_per_word", BertTokenizer.MAX_INPUT_CHARS_PER_WORD);
    ObjectNode v = model.putObject("vocab");
    for (int i = 0; i < vocab.size(); i++) {
      v.put(vocab.token(i), i);
    }
    Path file = dir.resolve((lowerCase ? "uncased" : "cased") + "-tokenizer.json");
    om.writeValue(file.toFile(), root);
    return HuggingFaceTokenizer.newInstance(file, OPTIONS);
  }

  public static HuggingFaceTokenizer fromResource(String resource) throws IOException {
    try (InputStream in = HfReference.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("not on classpath: " + resource);
      }
      return HuggingFaceTokenizer.newInstance(in, OPTIONS);
    }
  }

  /**
   * A model's own tokenizer.json from the classpath, less its added tokens: HF would turn text that
   * spells "[SEP]" into the special token, which PackBERT deliberately never does (see {@link
   * BertTokenizer}); everything else (normalizer, pre-tokenizer, WordPiece) is the file's.
   */
  public static HuggingFaceTokenizer fromResourceWithoutAddedTokens(String resource, Path dir)
      throws IOException {
    ObjectMapper om = new ObjectMapper();
    ObjectNode root;
    try (InputStream in = HfReference.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("not on classpath: " + resource);
      }
      root = (ObjectNode) om.readTree(in);
    }
    root.putArray("added_tokens");
    Path file = dir.resolve("no-added-tokens-" + Path.of(resource).getFileName());
    om.writeValue(file.toFile(), root);
    return HuggingFaceTokenizer.newInstance(file, OPTIONS);
  }

  public static int[] encode(HuggingFaceTokenizer hf, String text) {
    long[] ids = hf.encode(text, true, false).getIds();
    return Arrays.stream(ids).mapToInt(l -> (int) l).toArray();
  }

  static String json(Path p) throws IOException {
    return Files.readString(p);
  }
}
