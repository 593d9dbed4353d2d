package dev.packbert.text;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * BERT tokenizer: a port of Google BERT's tokenization.py (BasicTokenizer + WordpieceTokenizer),
 * checked id-for-id against HuggingFace tokenizers' BertNormalizer/BertPreTokenizer/WordPiece.
 *
 * <p>Where Google and HF disagree we follow HF, the reference the tests hold us to:
 *
 * <ul>
 *   <li>whitespace is Unicode White_Space (adds U+2028/U+2029 to Google's Zs + \t\n\r);
 *   <li>lower-casing is per code point, after accent stripping, so a word-final capital sigma
 *       becomes σ rather than Python's context-sensitive ς;
 *   <li>control, punctuation and non-spacing-mark tests use Unicode 8.0's categories, as HF's
 *       tables do, not the running JDK's ({@link HfUnicode});
 *   <li>CJK Extension E starts at U+2B920 (HF's range), not Google's U+2B820.
 * </ul>
 *
 * <p>One deliberate difference from a tokenizer.json with added tokens: text that spells "[SEP]" or
 * "[CLS]" is tokenized as text, never turned into the special token (as Google's tokenizer, and
 * HF's with split_special_tokens), so no document can forge a sentence boundary.
 *
 * <p>Immutable and thread-safe. Serializes as vocabulary + flag; the trie is rebuilt on first use
 * after arrival, whichever serializer brought it (Spark's Kryo skips {@code readObject}).
 */
public final class BertTokenizer implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Words longer than this (in code points) become [UNK], as in BERT. */
  public static final int MAX_INPUT_CHARS_PER_WORD = 100;

  // ASCII classes, looked up instead of computed on the hot path
  private static final byte DROP = 0, SPACE = 1, PUNCT = 2, OTHER = 3;
  private static final byte[] ASCII = new byte[128];

  static {
    for (int c = 0; c < 128; c++) {
      ASCII[c] = c == 0 || (Character.getType(c) == Character.CONTROL) ? DROP : OTHER;
      if ((c >= 33 && c <= 47)
          || (c >= 58 && c <= 64)
          || (c >= 91 && c <= 96)
          || (c >= 123 && c <= 126)) {
        ASCII[c] = PUNCT;
      }
    }
    // \t \n \r are control characters that BERT counts as whitespace
    ASCII[' '] = ASCII['\t'] = ASCII['\n'] = ASCII['\r'] = SPACE;
  }

  private final Vocabulary vocab;
  private final boolean doLowerCase;
  // volatile: built lazily, and tasks of one executor share a broadcast tokenizer
  private transient volatile WordPieceTrie trie;

  public BertTokenizer(Vocabulary vocab, boolean doLowerCase) {
    this.vocab = vocab;
    this.doLowerCase = doLowerCase;
    this.trie = new WordPieceTrie(vocab.tokens());
  }

  public Vocabulary vocabulary() {
    return vocab;
  }

  public boolean doLowerCase() {
    return doLowerCase;
  }

  /**
   * Token ids of {@code text} with [CLS] first and [SEP] last; never truncated. Null is treated as
   * "".
   */
  public int[] encode(String text) {
    IntBuffer out = new IntBuffer(text == null ? 8 : text.length() / 3 + 8);
    out.add(vocab.clsId());
    if (text != null && !text.isEmpty()) {
      wordPieces(normalize(text), out);
    }
    out.add(vocab.sepId());
    return out.toArray();
  }

  /** WordPiece tokens of {@code text}, without [CLS]/[SEP]; for tests and debugging. */
  public List<String> tokenize(String text) {
    int[] ids = encode(text);
    List<String> tokens = new ArrayList<>(ids.length - 2);
    for (int i = 1; i < ids.length - 1; i++) {
      tokens.add(vocab.token(ids[i]));
    }
    return tokens;
  }

  /**
   * BertNormalizer: drop NUL/U+FFFD/control characters, map whitespace to ' ', surround CJK
   * ideographs with spaces; then for uncased vocabularies NFD, drop non-spacing marks and
   * lower-case.
   */
  private char[] normalize(String text) {
    int n = text.length();
    StringBuilder sb = new StringBuilder(n + 16);
    boolean nonAscii = false;
    for (int i = 0; i < n; ) {
      char c = text.charAt(i);
      if (c < 128) {
        byte cls = ASCII[c];
        if (cls == SPACE) {
          sb.append(' ');
        } else if (cls != DROP) {
          sb.append(c);
        }
        i++;
        continue;
      }
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (cp == 0xFFFD || isControl(cp)) {
        continue;
      }
      if (isWhitespace(cp)) {
        sb.append(' ');
      } else if (isCjk(cp)) {
        sb.append(' ').appendCodePoint(cp).append(' ');
        // CJK compatibility ideographs (U+F900.., U+2F800..) decompose under NFD: 車 U+F902 ->
        // U+8ECA
        nonAscii |= cp >= 0xF900;
      } else {
        sb.appendCodePoint(cp);
        nonAscii = true;
      }
    }
    if (!doLowerCase) {
      return toChars(sb);
    }
    if (!nonAscii) {
      for (int i = 0; i < sb.length(); i++) {
        char c = sb.charAt(i);
        if (c >= 'A' && c <= 'Z') {
          sb.setCharAt(i, (char) (c + 32));
        }
      }
      return toChars(sb);
    }
    String nfd = HfUnicode.nfd(sb);
    StringBuilder lower = new StringBuilder(nfd.length());
    for (int i = 0; i < nfd.length(); ) {
      int cp = nfd.codePointAt(i);
      i += Character.charCount(cp);
      if (cp < 128) {
        lower.append((char) (cp >= 'A' && cp <= 'Z' ? cp + 32 : cp));
      } else if (!HfUnicode.isNonSpacingMark(cp)) {
        lower.appendCodePoint(HfUnicode.toLowerCase(cp));
      }
    }
    return toChars(lower);
  }

  private static char[] toChars(StringBuilder sb) {
    char[] chars = new char[sb.length()];
    sb.getChars(0, chars.length, chars, 0);
    return chars;
  }

  /** BertPreTokenizer: split on whitespace, each punctuation character is a word of its own. */
  private void wordPieces(char[] s, IntBuffer out) {
    int wordStart = -1;
    int i = 0;
    while (i < s.length) {
      char c = s[i];
      int cp;
      int len;
      if (Character.isHighSurrogate(c) && i + 1 < s.length && Character.isLowSurrogate(s[i + 1])) {
        cp = Character.toCodePoint(c, s[i + 1]);
        len = 2;
      } else {
        cp = c;
        len = 1;
      }
      boolean space = cp < 128 ? ASCII[cp] == SPACE : isWhitespace(cp);
      if (space) {
        if (wordStart >= 0) {
          wordPiece(s, wordStart, i, out);
          wordStart = -1;
        }
      } else if (cp < 128 ? ASCII[cp] == PUNCT : isPunctuation(cp)) {
        if (wordStart >= 0) {
          wordPiece(s, wordStart, i, out);
          wordStart = -1;
        }
        wordPiece(s, i, i + len, out);
      } else if (wordStart < 0) {
        wordStart = i;
      }
      i += len;
    }
    if (wordStart >= 0) {
      wordPiece(s, wordStart, s.length, out);
    }
  }

  /**
   * Greedy longest-match-first WordPiece of s[from, to); the whole word is [UNK] if any piece is
   * missing.
   */
  private void wordPiece(char[] s, int from, int to, IntBuffer out) {
    if (to - from > MAX_INPUT_CHARS_PER_WORD
        && Character.codePointCount(s, from, to - from) > MAX_INPUT_CHARS_PER_WORD) {
      out.add(vocab.unkId());
      return;
    }
    WordPieceTrie t = trie();
    int mark = out.size();
    int start = from;
    while (start < to) {
      int node = start == from ? WordPieceTrie.START_ROOT : WordPieceTrie.CONTINUATION_ROOT;
      int bestEnd = -1;
      int bestId = -1;
      for (int j = start; j < to; j++) {
        node = t.child(node, s[j]);
        if (node < 0) {
          break;
        }
        int id = t.terminal(node);
        if (id >= 0) {
          bestEnd = j + 1;
          bestId = id;
        }
      }
      if (bestId < 0) {
        out.truncate(mark);
        out.add(vocab.unkId());
        return;
      }
      out.add(bestId);
      start = bestEnd;
    }
  }

  /**
   * Cc, Cf, Co as HF counts them ({@link HfUnicode#isControl}), and unpaired surrogates, which no
   * UTF-8 text (and so no HF input) can hold; \t\n\r are the ASCII table's.
   */
  static boolean isControl(int cp) {
    return Character.getType(cp) == Character.SURROGATE || HfUnicode.isControl(cp);
  }

  /**
   * Unicode White_Space among non-control characters: Zs, Zl, Zp (HF uses Rust's
   * char::is_whitespace).
   */
  static boolean isWhitespace(int cp) {
    if (cp < 128) {
      return ASCII[cp] == SPACE;
    }
    return HfUnicode.isWhitespace(cp);
  }

  /** BERT's _is_punctuation: the ASCII symbol ranges plus the Unicode P* categories. */
  static boolean isPunctuation(int cp) {
    if (cp < 128) {
      return ASCII[cp] == PUNCT;
    }
    return HfUnicode.isPunctuation(cp);
  }

  /**
   * BERT's _is_chinese_char: the CJK Unified Ideograph blocks (not Hiragana, Katakana or Hangul),
   * with HF's start of Extension E (U+2B920; Google's code says U+2B820, so U+2B820..U+2B91F are
   * word characters in HF).
   */
  static boolean isCjk(int cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF)
        || (cp >= 0x3400 && cp <= 0x4DBF)
        || (cp >= 0x20000 && cp <= 0x2A6DF)
        || (cp >= 0x2A700 && cp <= 0x2B73F)
        || (cp >= 0x2B740 && cp <= 0x2B81F)
        || (cp >= 0x2B920 && cp <= 0x2CEAF)
        || (cp >= 0xF900 && cp <= 0xFAFF)
        || (cp >= 0x2F800 && cp <= 0x2FA1F);
  }

  private WordPieceTrie trie() {
    WordPieceTrie t = trie;
    if (t == null) {
      synchronized (this) {
        t = trie;
        if (t == null) {
          t = new WordPieceTrie(vocab.tokens());
          trie = t;
        }
      }
    }
    return t;
  }

  /** Growable int[] without boxing. */
  private static final class IntBuffer {
    private int[] a;
    private int n;

    IntBuffer(int capacity) {
      a = new int[Math.max(4, capacity)];
    }

    void add(int v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }

    int size() {
      return n;
    }

    void truncate(int size) {
      n = size;
    }

    int[] toArray() {
      return Arrays.copyOf(a, n);
    }
  }
}
