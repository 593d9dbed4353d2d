package dev.packbert.text;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UCharacterCategory;
import com.ibm.icu.text.Normalizer2;
import com.ibm.icu.util.VersionInfo;

/**
 * The character classes of HuggingFace tokenizers' BertNormalizer and BertPreTokenizer, so that
 * {@link BertTokenizer} gives HF's ids on every script, whichever JVM runs it.
 *
 * <p>HF asks the {@code unicode_categories} crate (0.1.1) whether a character is a control, a
 * punctuation mark or a non-spacing mark. Its tables were generated from Unicode 8.0 and never
 * regenerated: a character assigned later, and every unassigned one, belongs to no category there,
 * so HF keeps it as part of a word (and its vocabulary makes it [UNK]). Measured against HF on
 * every code point: the new Egyptian format controls (U+13430..), Bengali and Devanagari
 * punctuation since Unicode 10 (U+09FD, U+2E43..), Adlam and Sharada marks, unassigned U+0378 are
 * all kept as word characters. The JDK's own tables (Unicode 13 in Java 17, 15 in Java 21) would
 * split or drop them, and differently on different executors, so the categories here are ICU4J's (a
 * fixed Unicode version in the cluster jar) limited to characters of Unicode 8.0 or older, with the
 * seven characters whose category changed since then pinned to their Unicode 8.0 one.
 *
 * <p>Whitespace, lower-casing and NFD come from Rust's standard library and the
 * unicode-normalization crate, which do follow current Unicode; ICU4J's are used for them too.
 */
final class HfUnicode {
  /** The Unicode version of unicode_categories 0.1.1's tables. */
  private static final VersionInfo HF_CATEGORIES = VersionInfo.getInstance(8, 0);

  private static final Normalizer2 NFD = Normalizer2.getNFDInstance();

  private HfUnicode() {}

  /** General category as of Unicode 8.0; UNASSIGNED for characters added since. */
  private static int category(int cp) {
    // the characters whose category changed between Unicode 8.0 and ICU4J's, in the classes HF
    // asks about (found by comparing every code point with HF)
    switch (cp) {
      case 0x166D, 0x111C9: // CANADIAN SYLLABICS CHI SIGN, SHARADA SANDHI MARK: now So, Mn
        return UCharacterCategory.OTHER_PUNCTUATION;
      case 0x1734, 0x1171E: // HANUNOO SIGN PAMUDPOD, AHOM CONSONANT SIGN MEDIAL RA: now Mc
        return UCharacterCategory.NON_SPACING_MARK;
      case 0x1885, 0x1886: // MONGOLIAN LETTER ALI GALI BALUDA, THREE BALUDA: now Mn
        return UCharacterCategory.OTHER_LETTER;
      case 0xA9BD: // JAVANESE CONSONANT SIGN KERET: now Mn
        return UCharacterCategory.COMBINING_SPACING_MARK;
      default:
        break;
    }
    int type = UCharacter.getType(cp);
    if (type == UCharacterCategory.UNASSIGNED
        || UCharacter.getAge(cp).compareTo(HF_CATEGORIES) > 0) {
      return UCharacterCategory.UNASSIGNED;
    }
    return type;
  }

  /** BertNormalizer's is_control (Cc, Cf, Co), which drops the character. */
  static boolean isControl(int cp) {
    int t = category(cp);
    return t == UCharacterCategory.CONTROL
        || t == UCharacterCategory.FORMAT
        || t == UCharacterCategory.PRIVATE_USE;
  }

  /** Rust's char::is_whitespace: the White_Space property. */
  static boolean isWhitespace(int cp) {
    return UCharacter.isUWhiteSpace(cp);
  }

  /** The Unicode half of BertPreTokenizer's punctuation test: the P* categories. */
  static boolean isPunctuation(int cp) {
    return switch (category(cp)) {
      case UCharacterCategory.CONNECTOR_PUNCTUATION,
          UCharacterCategory.DASH_PUNCTUATION,
          UCharacterCategory.START_PUNCTUATION,
          UCharacterCategory.END_PUNCTUATION,
          UCharacterCategory.INITIAL_PUNCTUATION,
          UCharacterCategory.FINAL_PUNCTUATION,
          UCharacterCategory.OTHER_PUNCTUATION ->
          true;
      default -> false;
    };
  }

  /** What strip_accents removes after NFD: Mn. */
  static boolean isNonSpacingMark(int cp) {
    return category(cp) == UCharacterCategory.NON_SPACING_MARK;
  }

  static String nfd(CharSequence s) {
    return NFD.normalize(s);
  }

  /** Rust's char::to_lowercase for one code point (multi-character results only for U+0130). */
  static int toLowerCase(int cp) {
    return UCharacter.toLowerCase(cp);
  }
}
