package dev.packbert.text;

import static dev.packbert.text.SentenceChars.isCjkOpener;
import static dev.packbert.text.SentenceChars.isCloser;
import static dev.packbert.text.SentenceChars.isDash;
import static dev.packbert.text.SentenceChars.isEmojiPart;
import static dev.packbert.text.SentenceChars.isHanOrKana;
import static dev.packbert.text.SentenceChars.isOpener;
import static dev.packbert.text.SentenceChars.isSpace;
import static dev.packbert.text.SentenceLanguage.isChineseOrJapanese;

import java.util.Locale;

/**
 * Whether a candidate sentence break (from ICU or {@link ExtraSentenceBreaks}) is a real one, and
 * where exactly it goes: the token-level rules for abbreviations, initials, numbers, quotes,
 * brackets and line ends. Each rule's comment names the failure it fixes.
 */
final class SentenceBreakRules {
  private SentenceBreakRules() {}

  /** Whether the candidate break {@code b} (segment started at {@code start}) is a real one. */
  static boolean keep(String text, String lang, int start, int b) {
    int e = b; // end of the sentence before the break, whitespace trimmed
    while (e > start && isSpace(text.charAt(e - 1))) {
      e--;
    }
    int n = b; // first character after the break that is not whitespace
    while (n < text.length() && isSpace(text.charAt(n))) {
      n++;
    }
    if (e == start || n == text.length()) {
      return true; // nothing on one side: the span builder drops the empty piece anyway
    }
    if (text.substring(e, n).indexOf('\n') >= 0 || text.substring(e, n).indexOf('\r') >= 0) {
      return keepLineBreak(text, lang, e, n);
    }
    if (isChineseOrJapanese(lang) && insideCjkBrackets(text, e)) {
      return false;
    }
    int term = e; // just after the terminator: closing quotes and the spaces before them stripped
    while (term > start && (isCloser(text.charAt(term - 1)) || isSpace(text.charAt(term - 1)))) {
      term--;
    }
    int t = term > start ? text.codePointBefore(term) : -1;
    int next = text.codePointAt(n);
    boolean spaced = n > e;
    // Japanese quotative: 「…。」と言った / 「…？」って
    if (lang.equals("ja") && isCloser(text.charAt(e - 1)) && (next == 'と' || next == 'っ')) {
      return false;
    }
    // "…"라고 / "Node.JS": a Latin terminator directly followed by a letter is no sentence end
    // (Chinese and Japanese run sentences together, and there "?" or "!" followed by Han is one)
    if (!spaced && (t == '.' || t == '!' || t == '?') && Character.isLetterOrDigit(next)) {
      if (t == '.' || !isChineseOrJapanese(lang) || !isHanOrKana(next)) {
        return false;
      }
    }
    // «Ты придёшь завтра?» — спросила она. / « Tu as vu ça ? » demanda-t-il. / "system ? except
    // for": UAX #29 breaks after every "?" and "!", but a lower-case word after one continues the
    // sentence (a "." before lower case is already no break in UAX #29)
    boolean quoted = term < e && (t == '.' || t == '…');
    if (quoted || t == '?' || t == '!') {
      if (Character.isLowerCase(next) || (term < e && isDash(next) && lowerAfterDash(text, n))) {
        return false;
      }
    }
    if (t == '.') {
      return keepAfterDot(text, lang, start, term, n);
    }
    return true;
  }

  /**
   * ICU breaks at every line end. Hard-wrapped prose continues in lower case after a line that does
   * not end a sentence; headings and list items do not, so they keep their break.
   */
  private static boolean keepLineBreak(String text, String lang, int e, int n) {
    if (text.substring(e, n).contains("\n\n") || isChineseOrJapanese(lang) || lang.equals("th")) {
      return true;
    }
    int last = text.codePointBefore(e);
    int next = text.codePointAt(n);
    return !(Character.isLowerCase(next) && (Character.isLetterOrDigit(last) || last == ','));
  }

  private static boolean keepAfterDot(String text, String lang, int start, int term, int n) {
    int rawStart = tokenStart(text, start, term);
    int tokStart = rawStart;
    while (tokStart < term && isOpener(text.charAt(tokStart))) {
      tokStart++;
    }
    String token = text.substring(tokStart, term).toLowerCase(Locale.ROOT);
    // up to two tokens before it, for "z. B.", "и т. д.", "до н. э."
    int prevEnd = skipSpacesBack(text, start, rawStart);
    int prevStart = tokenStart(text, start, prevEnd);
    String prev = prevEnd > prevStart ? text.substring(prevStart, prevEnd) : null;
    int prev2End = skipSpacesBack(text, start, prevStart);
    int prev2Start = tokenStart(text, start, prev2End);
    String prev2 =
        prev != null && prev2End > prev2Start ? text.substring(prev2Start, prev2End) : null;
    // "" when absent: the immutable sets refuse contains(null)
    String pair = prev == null ? "" : (prev + " " + token).toLowerCase(Locale.ROOT);
    String triple = prev2 == null ? "" : (prev2 + " " + pair).toLowerCase(Locale.ROOT);
    int next = text.codePointAt(n);
    if (FullStopLexicon.maybeFinal(lang, token, pair, triple)) {
      return true;
    }
    if (FullStopLexicon.neverFinal(lang, token, pair)) {
      return false;
    }
    String core = token.substring(0, token.length() - 1);
    int letters = (int) core.codePoints().filter(Character::isLetter).count();
    // initials and one-letter abbreviations: "A. S. Pushkin", "z. B.", "т. е.", "قال د. أحمد";
    // a letter with a vowel sign is a syllable, often a whole word (Hindi "है." ends a sentence)
    if (letters == 1 && core.codePoints().allMatch(Character::isLetter)) {
      return false;
    }
    if (!core.isEmpty() && core.chars().allMatch(Character::isDigit)) {
      // "2024. 5. 12." (Korean dates), "1. 2. 3."
      if (Character.isDigit(next)) {
        return false;
      }
      // "1. Personalausweis": a numbered list item at the start of a line
      if (startsLine(text, rawStart)) {
        return false;
      }
      if (lang.equals("de") && FullStopLexicon.isGermanOrdinalHead(nextWord(text, n))) {
        return false;
      }
    }
    // "Abs. 2", "pág. 25", "พ.ศ. 1826": a short abbreviation before a number
    if (Character.isDigit(next) && letters > 0 && letters <= 4) {
      return false;
    }
    return true;
  }

  /**
   * French spaces its closing guillemet ("demain. »"), and UAX #29 allows closers only before the
   * space, so ICU breaks between "." and "»" and the next sentence starts with "»". A closer after
   * the break that is itself followed by a space (an opening quote would touch its word) belongs to
   * the sentence before: move the break past it.
   */
  static int skipDetachedClosers(String text, int b, String lang) {
    // 「“明天几点出发？”“早上七点。”」: UAX #29 counts every quotation mark as a closer, so the
    // break can land after the next sentence's opening quote; move it back before the opener
    if (isChineseOrJapanese(lang)) {
      while (b > 0 && isCjkOpener(text.charAt(b - 1))) {
        b--;
      }
    }
    // a closer on the next line opens that line ("…car!\n\n😀 Emoji here?"): leave the break
    for (int p = b - 1; p >= 0 && isSpace(text.charAt(p)); p--) {
      if (text.charAt(p) == '\n' || text.charAt(p) == '\r') {
        return b;
      }
    }
    int n = b;
    while (n < text.length() && text.charAt(n) != '\n' && isSpace(text.charAt(n))) {
      n++;
    }
    // an emoji after "!" ("축하해요! 🎉 앞으로도") closes the sentence as a quote would
    int c = n;
    while (c < text.length()) {
      int cp = text.codePointAt(c);
      if (isCloser(text.charAt(c)) || isEmojiPart(cp)) {
        c += Character.charCount(cp);
      } else {
        break;
      }
    }
    if (c > n && (c == text.length() || isSpace(text.charAt(c)))) {
      return c;
    }
    return b;
  }

  /**
   * Start of the token that ends at {@code end}: back to whitespace, or to a Han or kana character
   * (Chinese and Japanese put no space before a Latin word: "CEO是Dr. Li").
   */
  private static int tokenStart(String text, int start, int end) {
    int i = end;
    while (i > start && end - i < MAX_TOKEN) {
      int cp = text.codePointBefore(i);
      if (Character.isWhitespace(cp)
          || Character.isSpaceChar(cp)
          || isHanOrKana(cp)
          || cp == '。'
          || cp == '，') {
        break;
      }
      i -= Character.charCount(cp);
    }
    return i;
  }

  private static int skipSpacesBack(String text, int start, int i) {
    while (i > start && isSpace(text.charAt(i - 1))) {
      i--;
    }
    return i;
  }

  private static String nextWord(String text, int n) {
    int end = n;
    while (end < text.length() && Character.isLetter(text.charAt(end))) {
      end++;
    }
    return text.substring(n, end).toLowerCase(Locale.ROOT);
  }

  private static boolean startsLine(String text, int tokStart) {
    for (int i = tokStart - 1; i >= 0; i--) {
      char c = text.charAt(i);
      if (c == '\n' || c == '\r') {
        return true;
      }
      if (!isSpace(c)) {
        return false;
      }
    }
    return true;
  }

  private static final int QUOTE_WINDOW = 300;

  /** Longest token looked at as a possible abbreviation; keeps long runs without spaces linear. */
  static final int MAX_TOKEN = 40;

  /** A 「 or “ opened before {@code pos} on this line and closed after it: inside a quotation. */
  private static boolean insideCjkBrackets(String text, int pos) {
    // a window, not the whole line: quotations are short, and long one-line documents stay linear
    int lineStart = Math.max(text.lastIndexOf('\n', pos - 1) + 1, pos - QUOTE_WINDOW);
    int depth = 0;
    for (int i = lineStart; i < pos; i++) {
      char c = text.charAt(i);
      if (c == '「' || c == '『' || c == '“' || c == '（') {
        depth++;
      } else if ((c == '」' || c == '』' || c == '”' || c == '）') && depth > 0) {
        depth--;
      }
    }
    if (depth == 0) {
      return false;
    }
    for (int i = pos; i < text.length() && i < pos + QUOTE_WINDOW && text.charAt(i) != '\n'; i++) {
      char c = text.charAt(i);
      if (c == '」' || c == '』' || c == '”' || c == '）') {
        return true;
      }
    }
    return false;
  }

  private static boolean lowerAfterDash(String text, int n) {
    int i = n + 1;
    while (i < text.length() && isSpace(text.charAt(i))) {
      i++;
    }
    return i < text.length() && Character.isLowerCase(text.codePointAt(i));
  }
}
