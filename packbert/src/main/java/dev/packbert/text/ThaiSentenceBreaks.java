package dev.packbert.text;

import static dev.packbert.text.SentenceChars.isSpace;
import static dev.packbert.text.SentenceChars.isThaiLetter;

import java.util.List;
import java.util.TreeSet;

/** Sentence breaks in Thai, which ends sentences with a space instead of punctuation. */
final class ThaiSentenceBreaks {
  private ThaiSentenceBreaks() {}

  /** Thai words that continue the sentence before them when they follow a space. */
  private static final List<String> THAI_CONTINUATIONS =
      List.of(
          "ซึ่ง", "และ", "หรือ", "โดย", "ได้แก่", "คือ", "เช่น", "ที่", "ว่า", "ของ", "ใน", "จาก",
          "กับ", "เพื่อ", "จน", "จึง");

  /** Thai words after which a list or a clause follows, not a new sentence. */
  private static final List<String> THAI_INTRODUCERS = List.of("ได้แก่", "คือ", "เช่น", "ว่า");

  /**
   * Thai has no sentence punctuation; writers put a space between sentences, but also between
   * clauses, around numbers and Latin words, and after list introducers. A space between two Thai
   * words (or after a Thai abbreviation's dot, a closing quote or an emoji) counts as a break
   * unless the next word continues the sentence ("ซึ่ง", "และ", ...) or the previous one announces
   * a list.
   */
  static void add(String text, TreeSet<Integer> out) {
    for (int i = 1; i < text.length(); i++) {
      if (text.charAt(i) != ' ' || text.charAt(i - 1) == ' ') {
        continue;
      }
      int n = i;
      while (n < text.length() && text.charAt(n) == ' ') {
        n++;
      }
      if (n == text.length() || !isThaiLetter(text.charAt(n))) {
        continue;
      }
      int prev = text.codePointBefore(i);
      boolean thaiBefore =
          (prev < 0x10000 && isThaiLetter((char) prev))
              || (prev == '.' && i >= 2 && isThaiLetter(text.charAt(i - 2)))
              || prev == '"'
              || prev == '”'
              || Character.getType(prev) == Character.OTHER_SYMBOL;
      if (!thaiBefore || prev == 'ฯ' && !text.startsWith("ฯลฯ", i - 3)) {
        continue;
      }
      final int at = n;
      if (THAI_CONTINUATIONS.stream().anyMatch(w -> text.startsWith(w, at))) {
        continue;
      }
      // "เมื่อ พ.ศ. 1826", "ผู้จัดการ ดร.สมชาย": a Thai abbreviation continues the sentence
      int wordEnd = n;
      while (wordEnd < text.length() && !isSpace(text.charAt(wordEnd))) {
        wordEnd++;
      }
      if (text.substring(n, wordEnd).indexOf('.') >= 0) {
        continue;
      }
      final int end = i;
      if (THAI_INTRODUCERS.stream()
          .anyMatch(w -> end >= w.length() && text.startsWith(w, end - w.length()))) {
        continue;
      }
      out.add(n);
    }
  }
}
