package dev.packbert.text;

import static dev.packbert.text.SentenceChars.isCloser;
import static dev.packbert.text.SentenceChars.isDash;
import static dev.packbert.text.SentenceChars.isDevanagari;
import static dev.packbert.text.SentenceChars.isEmoji;
import static dev.packbert.text.SentenceChars.isEmojiPart;
import static dev.packbert.text.SentenceChars.isHanOrKana;
import static dev.packbert.text.SentenceChars.isOpener;
import static dev.packbert.text.SentenceChars.isSpace;
import static dev.packbert.text.SentenceChars.isWordChar;
import static dev.packbert.text.SentenceLanguage.isChineseOrJapanese;

import java.util.Locale;
import java.util.TreeSet;

/**
 * Candidate sentence breaks that UAX #29 cannot produce: "…" before a capital, a dash opening an
 * utterance, a full stop after a plain word before a lower-case word, an emoji ending a sentence, a
 * stage direction, and Hindi's "|". Each is only a candidate; {@link SentenceBreakRules} still
 * decides.
 */
final class ExtraSentenceBreaks {
  private ExtraSentenceBreaks() {}

  /**
   * U+2026 "…" is no sentence terminator in UAX #29 ("..." is, as three full stops); in spaced
   * scripts "… " before a capital letter ends a sentence as "..." does.
   */
  static void ellipsis(String text, String lang, TreeSet<Integer> out) {
    if (isChineseOrJapanese(lang)) {
      return;
    }
    for (int i = text.indexOf('…'); i >= 0; i = text.indexOf('…', i + 1)) {
      int j = i + 1;
      while (j < text.length() && isCloser(text.charAt(j))) {
        j++;
      }
      int n = j;
      while (n < text.length() && isSpace(text.charAt(n))) {
        n++;
      }
      if (n > j && n < text.length() && Character.isUpperCase(text.codePointAt(n))) {
        out.add(j);
      }
    }
  }

  /**
   * Two sentence starts that UAX #29 never breaks before, on purpose (after "etc." or "approx." the
   * next word often continues the sentence): a dash opening an utterance ("… adopted. - (SK) The
   * discussion", "– Mr President"), and a lower-case word after a full stop that follows a plain
   * word. Transcripts produce both whenever a speaker's name was stripped ("… capacity. in writing.
   * - (NL) Food safety …"). Only a plain word of three or more letters that is no known
   * abbreviation qualifies, so "a.m. and", "i.e. the", "ca. zehn", "usw. und" keep their sentence.
   */
  static void dashAndLowercase(String text, String lang, TreeSet<Integer> out) {
    if (isChineseOrJapanese(lang) || lang.equals("th")) {
      return;
    }
    for (int i = text.indexOf('.'); i >= 0; i = text.indexOf('.', i + 1)) {
      int n = i + 1;
      while (n < text.length() && isSpace(text.charAt(n)) && text.charAt(n) != '\n') {
        n++;
      }
      if (n == i + 1 || n >= text.length()) {
        continue;
      }
      char c = text.charAt(n);
      if (isDash(c)) {
        int m = n + 1;
        while (m < text.length() && isSpace(text.charAt(m))) {
          m++;
        }
        if (m > n + 1
            && m < text.length()
            && (Character.isUpperCase(text.codePointAt(m)) || text.charAt(m) == '(')) {
          out.add(n);
        }
      } else if (Character.isLowerCase(text.codePointAt(n)) && isPlainWordBefore(text, lang, i)) {
        out.add(n);
      }
    }
  }

  /** The token before the full stop at {@code dot} is a word of 3+ letters, not an abbreviation. */
  private static boolean isPlainWordBefore(String text, String lang, int dot) {
    int s = dot;
    while (s > 0
        && dot - s < SentenceBreakRules.MAX_TOKEN
        && Character.isLetter(text.charAt(s - 1))) {
      s--;
    }
    if (dot - s < 3 || (s > 0 && !isSpace(text.charAt(s - 1)) && !isOpener(text.charAt(s - 1)))) {
      return false; // short, or part of "U.S.", "J.-C.", "1.5bn." and the like
    }
    // CLDR's lists are case-sensitive ("Act.", "All." but "tägl."), so match them as written
    if (FullStopLexicon.cldrAbbreviations(lang).contains(text.substring(s, dot + 1))) {
      return false;
    }
    return !FullStopLexicon.isListed(lang, text.substring(s, dot + 1).toLowerCase(Locale.ROOT));
  }

  /**
   * Emoji end sentences that carry no other punctuation ("出门别忘了带伞哦☔路上注意安全。", "Das war's für heute
   * 😊 Bis morgen!"): a break after an emoji run when a CJK sentence follows directly, or when a
   * space and a word that is not lower case follow.
   */
  static void emoji(String text, String lang, TreeSet<Integer> out) {
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      if (!isEmoji(cp)) {
        i += Character.charCount(cp);
        continue;
      }
      // only an emoji after words ends their sentence; one that opens a line or follows a
      // terminator ("😀 Emoji here?", "Done! 🎉") does not (the latter is moved by
      // skipDetachedClosers)
      int p = i;
      while (p > 0 && isSpace(text.charAt(p - 1)) && text.charAt(p - 1) != '\n') {
        p--;
      }
      boolean afterWords = p > 0 && isWordChar(text.codePointBefore(p));
      int j = i;
      while (j < text.length() && isEmojiPart(text.codePointAt(j))) {
        j += Character.charCount(text.codePointAt(j));
      }
      i = j;
      if (!afterWords) {
        continue;
      }
      int n = j;
      while (n < text.length() && isSpace(text.charAt(n))) {
        n++;
      }
      if (n == text.length()) {
        continue;
      }
      int next = text.codePointAt(n);
      if (n == j) {
        if (isChineseOrJapanese(lang) && isHanOrKana(next)) {
          out.add(j);
        }
      } else if ((Character.isLetter(next) && !Character.isLowerCase(next))
          || (next < 0x10000 && isOpener((char) next))) {
        out.add(j);
      }
    }
  }

  /**
   * Parliament transcripts put stage directions between sentences: "... noon. (Applause) Mr
   * President". A parenthesis that opens a sentence, starts with a capital, holds lower-case words
   * (unlike "(DE)") and is followed by a capital is a sentence of its own.
   */
  static void stageDirections(String text, String lang, TreeSet<Integer> out) {
    if (isChineseOrJapanese(lang) || lang.equals("th")) {
      return;
    }
    for (int i = text.indexOf('('); i >= 0; i = text.indexOf('(', i + 1)) {
      int close = -1;
      for (int k = i + 1; k < text.length() && k <= i + 200; k++) {
        if (text.charAt(k) == ')') {
          close = k;
          break;
        }
      }
      if (close < 0 || close - i < 4) {
        continue;
      }
      int p = i;
      while (p > 0 && isSpace(text.charAt(p - 1))) {
        p--;
      }
      boolean opensSentence = p == 0 || out.contains(i) || out.contains(p) || isTerminal(text, p);
      String inner = text.substring(i + 1, close);
      boolean looksLikeDirection =
          Character.isUpperCase(inner.codePointAt(0))
              && inner.chars().anyMatch(Character::isLowerCase);
      int n = close + 1;
      while (n < text.length() && isSpace(text.charAt(n))) {
        n++;
      }
      if (opensSentence
          && looksLikeDirection
          && n > close + 1
          && n < text.length()
          && (Character.isUpperCase(text.codePointAt(n)) || text.charAt(n) == '(')) {
        out.add(close + 1);
      }
    }
  }

  private static boolean isTerminal(String text, int p) {
    if (p == 0) {
      return true;
    }
    char c = text.charAt(p - 1);
    return c == '.' || c == '?' || c == '!' || c == '…' || c == '।';
  }

  /** Hindi typed on a Latin keyboard often stands a "|" in for the danda "।". */
  static void hindiPipe(String text, TreeSet<Integer> out) {
    for (int i = text.indexOf('|'); i >= 0; i = text.indexOf('|', i + 1)) {
      boolean after = i + 1 == text.length() || isSpace(text.charAt(i + 1));
      boolean before = i > 0 && (isSpace(text.charAt(i - 1)) || isDevanagari(text.charAt(i - 1)));
      if (after && before) {
        out.add(i + 1);
      }
    }
  }
}
