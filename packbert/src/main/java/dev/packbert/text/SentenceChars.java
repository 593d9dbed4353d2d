package dev.packbert.text;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UProperty;

/** The character classes the sentence rules look at, in every script. */
final class SentenceChars {
  private SentenceChars() {}

  static boolean isSpace(char c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c);
  }

  static boolean isCloser(char c) {
    return switch (Character.getType(c)) {
      case Character.END_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION -> true;
      default -> c == '"' || c == '\'' || c == '“' || c == '」' || c == '』';
    };
  }

  static boolean isOpener(char c) {
    return switch (Character.getType(c)) {
      case Character.START_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION -> true;
      default -> c == '"' || c == '\'' || c == '¿' || c == '¡' || c == '«';
    };
  }

  static boolean isDash(int c) {
    return c == '—' || c == '–' || c == '-';
  }

  /** Letters, digits and combining marks (Devanagari "है" ends in a vowel sign). */
  static boolean isWordChar(int cp) {
    int t = Character.getType(cp);
    return Character.isLetterOrDigit(cp)
        || t == Character.NON_SPACING_MARK
        || t == Character.COMBINING_SPACING_MARK;
  }

  static boolean isHanOrKana(int cp) {
    Character.UnicodeScript s = Character.UnicodeScript.of(cp);
    return s == Character.UnicodeScript.HAN
        || s == Character.UnicodeScript.HIRAGANA
        || s == Character.UnicodeScript.KATAKANA;
  }

  static boolean isThaiLetter(char c) {
    return c >= '\u0E01' && c <= '\u0E4E' && c != '\u0E3F';
  }

  static boolean isDevanagari(char c) {
    return c >= '\u0900' && c <= '\u097F';
  }

  static boolean isCjkOpener(char c) {
    return c == '“' || c == '「' || c == '『' || c == '（' || c == '《' || c == '〈' || c == '【';
  }

  static boolean isEmoji(int cp) {
    return cp > 0x2000 && UCharacter.hasBinaryProperty(cp, UProperty.EXTENDED_PICTOGRAPHIC);
  }

  /** Emoji plus what glues emoji sequences: ZWJ, variation selectors, skin tones, tags. */
  static boolean isEmojiPart(int cp) {
    return isEmoji(cp)
        || cp == 0x200D
        || (cp >= 0xFE00 && cp <= 0xFE0F)
        || (cp >= 0x1F3FB && cp <= 0x1F3FF)
        || (cp >= 0xE0020 && cp <= 0xE007F);
  }
}
