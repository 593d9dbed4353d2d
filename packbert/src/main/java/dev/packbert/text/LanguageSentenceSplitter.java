package dev.packbert.text;

import com.ibm.icu.text.BreakIterator;
import com.ibm.icu.util.ULocale;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sentence spans for text in a given language, without Spark: ICU4J's UAX #29 sentence breaks plus
 * a small rule layer that fixes what UAX #29 gets wrong in real text.
 *
 * <p>{@link #split} returns {@code int[][] {begin, end}} pairs: {@code end} exclusive, UTF-16
 * indices into the original string (as {@link String#substring}), in order, each span trimmed of
 * whitespace and never empty; the text between spans is whitespace only, so no other text is lost.
 * On the labelled sample (11 languages) and the bundled europarl sample this beat Spark NLP's
 * rule-based SentenceDetector, as PackBERT used it, in every language, English included (see
 * docs/MULTILINGUAL.md), so it has no "use Spark NLP" answer.
 *
 * <p>Why a rule layer at all: plain UAX #29 breaks after every "." followed by a space and a
 * capital letter or a non-cased letter ("Dr. | Smith", "z. | B. | Äpfel", "قال د. | أحمد"), breaks
 * inside Japanese quotations ("「…。」 | と言った"), and has no notion of Thai sentences, which carry no
 * punctuation. ICU's own remedy, the CLDR suppression lists behind {@code @ss=standard}, covers
 * only en/de/es/fr/it/pt/ru, is case-sensitive ("Approx." but not "approx."), and matches a suffix
 * without a word boundary: German lists "r.", so every sentence ending in "…wir." or "…Einwohner."
 * lost its break in our measurements. The rules therefore match whole tokens.
 *
 * <p>How: ICU's candidate breaks, plus those ICU cannot produce ({@link ExtraSentenceBreaks},
 * {@link ThaiSentenceBreaks}); each is kept or dropped, and closing quotes moved to the sentence
 * they close, by {@link SentenceBreakRules}, which consults the per-language {@link
 * FullStopLexicon}. The language comes from the caller or, for {@link #AUTO}, from the text's
 * script ({@link SentenceLanguage}).
 *
 * <p>Thread-safe: break iterators are cloned per call from a cached prototype per locale.
 */
public final class LanguageSentenceSplitter {
  /** Pass as language to pick one from the text's dominant script (see {@link #detectLanguage}). */
  public static final String AUTO = "auto";

  private LanguageSentenceSplitter() {}

  /**
   * Sentence spans of {@code text} in {@code language}: an ISO 639-1 code such as "de", a locale
   * such as "pt-BR", or {@link #AUTO} (also used for null or blank). Languages without rules of
   * their own get UAX #29 with the shared rules. Null or blank text gives no spans.
   */
  public static int[][] split(String text, String language) {
    return splitResolved(text, SentenceLanguage.resolve(text, language));
  }

  /**
   * The language whose rules {@link #split} uses for {@code text} with {@link #AUTO}: from the
   * dominant Unicode script (Hangul -> ko, Han with kana -> ja, Han -> zh, Devanagari -> hi, Arabic
   * -> ar, Thai -> th, Cyrillic -> ru), and for Latin text en/de/fr/es by a vote of function words
   * (else en).
   */
  public static String detectLanguage(String text) {
    return SentenceLanguage.detect(text);
  }

  private static final Map<String, BreakIterator> PROTOTYPES = new ConcurrentHashMap<>();

  private static BreakIterator sentenceIterator(String lang) {
    // plain UAX #29 with the language's tailoring; @ss=standard is not used, see the class comment
    BreakIterator proto =
        PROTOTYPES.computeIfAbsent(
            lang,
            l -> BreakIterator.getSentenceInstance(l.isEmpty() ? ULocale.ROOT : new ULocale(l)));
    return (BreakIterator) proto.clone();
  }

  private static int[][] splitResolved(String text, String lang) {
    if (text == null || text.isEmpty()) {
      return new int[0][];
    }
    TreeSet<Integer> candidates = new TreeSet<>();
    BreakIterator bi = sentenceIterator(lang);
    bi.setText(text);
    for (int b = bi.next(); b != BreakIterator.DONE; b = bi.next()) {
      candidates.add(b);
    }
    ExtraSentenceBreaks.ellipsis(text, lang, candidates);
    ExtraSentenceBreaks.dashAndLowercase(text, lang, candidates);
    ExtraSentenceBreaks.emoji(text, lang, candidates);
    ExtraSentenceBreaks.stageDirections(text, lang, candidates);
    if (lang.equals("hi")) {
      ExtraSentenceBreaks.hindiPipe(text, candidates);
    }
    if (lang.equals("th")) {
      ThaiSentenceBreaks.add(text, candidates);
    }
    List<int[]> spans = new ArrayList<>();
    int start = 0;
    for (int b : candidates) {
      if (b <= start || b >= text.length()) {
        continue;
      }
      int moved = SentenceBreakRules.skipDetachedClosers(text, b, lang);
      if (moved <= start) {
        continue; // moved back before an opener that starts this segment: no break to make
      }
      if (SentenceBreakRules.keep(text, lang, start, moved)) {
        addTrimmed(text, start, moved, spans);
        start = moved;
      }
    }
    addTrimmed(text, start, text.length(), spans);
    return spans.toArray(new int[0][]);
  }

  private static void addTrimmed(String text, int begin, int end, List<int[]> spans) {
    while (begin < end && SentenceChars.isSpace(text.charAt(begin))) {
      begin++;
    }
    while (end > begin && SentenceChars.isSpace(text.charAt(end - 1))) {
      end--;
    }
    if (end > begin) {
      spans.add(new int[] {begin, end});
    }
  }

  /** For tests and the harness: the spans as strings. */
  static List<String> texts(String text, int[][] spans) {
    return Arrays.stream(spans).map(s -> text.substring(s[0], s[1])).toList();
  }
}
