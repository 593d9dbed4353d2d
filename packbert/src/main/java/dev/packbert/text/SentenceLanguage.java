package dev.packbert.text;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which language's rules a text is split with: a code given by the caller, normalized to its
 * language ("pt-BR" -> "pt"), or one picked from the text's dominant script for {@link
 * LanguageSentenceSplitter#AUTO}.
 */
final class SentenceLanguage {
  private SentenceLanguage() {}

  static String resolve(String text, String language) {
    if (language == null
        || language.isBlank()
        || LanguageSentenceSplitter.AUTO.equalsIgnoreCase(language.trim())) {
      return detect(text);
    }
    return normalize(language);
  }

  /** "pt-BR", "PT_br" -> "pt"; the rules are per language, the region does not change them. */
  private static String normalize(String language) {
    if (language == null) {
      return "";
    }
    String l = language.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    int dash = l.indexOf('-');
    return dash > 0 ? l.substring(0, dash) : l;
  }

  static boolean isChineseOrJapanese(String lang) {
    return lang.equals("zh") || lang.equals("ja");
  }

  /**
   * A language for {@code text} from its dominant Unicode script: Hangul -> ko, Han with any kana
   * -> ja (Japanese always mixes kana into Han), Han -> zh, Devanagari -> hi, Arabic -> ar, Thai ->
   * th, Cyrillic -> ru, Latin -> en/de/fr/es by a vote of very frequent function words (ties and
   * unknown Latin text -> en). It picks the splitting rules, not a language label: a Latin text in
   * another language gets the English rules, which are also ICU's defaults.
   */
  static String detect(String text) {
    if (text == null) {
      return "en";
    }
    int han = 0;
    int kana = 0;
    int hangul = 0;
    int deva = 0;
    int arabic = 0;
    int thai = 0;
    int cyr = 0;
    int latin = 0;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (!Character.isLetter(cp)) {
        continue;
      }
      switch (Character.UnicodeScript.of(cp)) {
        case HAN -> han++;
        case HIRAGANA, KATAKANA -> kana++;
        case HANGUL -> hangul++;
        case DEVANAGARI -> deva++;
        case ARABIC -> arabic++;
        case THAI -> thai++;
        case CYRILLIC -> cyr++;
        case LATIN -> latin++;
        default -> {}
      }
    }
    int cjk = han + kana;
    int[] counts = {cjk, hangul, deva, arabic, thai, cyr, latin};
    int best = 0;
    for (int k = 1; k < counts.length; k++) {
      if (counts[k] > counts[best]) {
        best = k;
      }
    }
    if (counts[best] == 0) {
      return "en";
    }
    return switch (best) {
      // a few kana among Han already mean Japanese; Chinese text has none
      case 0 -> kana * 20 >= cjk ? "ja" : "zh";
      case 1 -> "ko";
      case 2 -> "hi";
      case 3 -> "ar";
      case 4 -> "th";
      case 5 -> "ru";
      default -> latinLanguage(text);
    };
  }

  private static final Map<String, Set<String>> FUNCTION_WORDS =
      Map.of(
          "en", Set.of("the", "and", "of", "to", "is", "that", "we", "in", "it", "for", "this"),
          "de",
              Set.of("der", "die", "das", "und", "ist", "nicht", "ich", "wir", "mit", "den", "zu"),
          "fr", Set.of("le", "la", "les", "et", "est", "des", "une", "du", "que", "nous", "il"),
          "es", Set.of("el", "los", "las", "y", "es", "que", "una", "del", "por", "con", "se"));

  private static String latinLanguage(String text) {
    String[] words = text.toLowerCase(Locale.ROOT).split("[^\\p{L}]+");
    String best = "en";
    int bestScore = 0;
    for (String lang : List.of("en", "de", "fr", "es")) {
      int score = 0;
      for (String w : words) {
        if (FUNCTION_WORDS.get(lang).contains(w)) {
          score++;
        }
      }
      if (score > bestScore) {
        best = lang;
        bestScore = score;
      }
    }
    return best;
  }
}
