package dev.packbert.text;

import com.ibm.icu.util.ULocale;
import com.ibm.icu.util.UResourceBundle;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The words, per language, that decide whether a full stop ends a sentence: abbreviations that
 * never or only sometimes end one, CLDR's abbreviation lists, and the German words that make "3."
 * an ordinal. Tokens are lower case with their dots; two-token abbreviations are joined by one
 * space.
 */
final class FullStopLexicon {
  private FullStopLexicon() {}

  /**
   * Abbreviations (lower case, with their dots; two-token ones joined by one space) after which a
   * "." never ends a sentence, whatever follows. Single letters ("z.", "т.", "د.") are handled
   * generically as initials; tokens with inner dots ("U.S.", "S.A.") are left to ICU, which does
   * not break before a lower-case word and rightly may break before a capital.
   */
  private static final Set<String> COMMON_NEVER_FINAL =
      Set.of(
          "mr.", "mrs.", "ms.", "dr.", "prof.", "messrs.", "st.", "sr.", "sra.", "srta.", "e.g.",
          "i.e.", "vs.", "approx.", "cf.", "viz.", "nr.", "art.", "fig.", "vol.", "ca.", "inc.",
          "ltd.", "corp.", "co.", "bros.", "dept.", "univ.", "govt.", "esp.", "resp.", "incl.",
          "ibid.", "op.", "cit.", "pp.", "para.", "paras.", "sq.", "ff.", "min.", "max.");

  private static final Map<String, Set<String>> NEVER_FINAL =
      Map.of(
          "en",
          Set.of("mt.", "gen.", "col.", "lt.", "capt.", "sgt.", "hon.", "rev.", "jr.", "jan."),
          "de",
          Set.of(
              "bzw.", "gem.", "abs.", "vgl.", "sog.", "ggf.", "evtl.", "inkl.", "zzgl.", "min.",
              "mio.", "mrd.", "std.", "tel.", "hr.", "hrn.", "fr.", "str.", "kap.", "abb.", "bd.",
              "jh.", "jhd.", "dipl.", "ing.", "geb.", "gest.", "ehem.", "max.", "mind.", "z.b.",
              "d.h.", "u.a.", "o.ä.", "u.ä.", "s.o.", "s.u."),
          "fr",
          Set.of(
              "mm.", "mme.", "mlle.", "av.", "apr.", "env.", "chap.", "éd.", "p. ex.", "ex.",
              "p.ex.", "cie.", "ste."),
          "es",
          Set.of(
              "sr.", "sra.", "srta.", "sres.", "dra.", "ud.", "uds.", "vd.", "vds.", "dña.", "pág.",
              "págs.", "núm.", "av.", "avda.", "aprox.", "ee.", "p.ej.", "ej.", "cía.", "lic.",
              "ing.", "sto.", "sta."),
          "ru",
          Set.of(
              "гг.", "вв.", "проф.", "акад.", "доц.", "ул.", "пр.", "пл.", "им.", "св.", "ок.",
              "см.", "стр.", "рис.", "табл.", "тыс.", "кв.", "куб.", "тел.", "отд.", "обл.", "р-н.",
              "гл.", "напр.", "т.е.", "т.к."),
          "hi",
          Set.of("प्रो.", "श्री.", "श्रीमती.", "सं.", "पृ.", "डॉ."),
          "ar",
          Set.of("أ.د.", "د.", "م.م."));

  /**
   * Abbreviations that often do end a sentence ("etc.", "usw.", "и т. д."): ICU's break is kept.
   * Some of them are single letters that the initials rule would otherwise swallow ("т. д.", "h.").
   */
  private static final Map<String, Set<String>> MAYBE_FINAL =
      Map.of(
          "en",
          Set.of("etc.", "a.m.", "p.m.", "al."),
          "de",
          Set.of("usw.", "etc.", "u. ä.", "v. chr.", "n. chr."),
          "fr",
          Set.of("etc.", "j.-c.", "h."),
          "es",
          Set.of("etc.", "ee. uu.", "uu.", "h.", "c."),
          "ru",
          Set.of(
              "т. д.",
              "т. п.",
              "и др.",
              "и пр.",
              "др.",
              "руб.",
              "кв. м.",
              "куб. м.",
              "н. э.",
              "до н. э."),
          "ar",
          Set.of("م.", "هـ."),
          // น. (o'clock) closes a time, often at the end of a sentence
          "th",
          Set.of("น."));

  /**
   * German writes ordinals as "3." ("am 3. Oktober", "in der 90. Minute"); a number with a dot is
   * an ordinal, not a sentence end, when one of these words follows.
   */
  private static final Set<String> GERMAN_ORDINAL_HEADS =
      Set.of(
          "januar",
          "februar",
          "märz",
          "april",
          "mai",
          "juni",
          "juli",
          "august",
          "september",
          "oktober",
          "november",
          "dezember",
          "jahrhundert",
          "jahrestag",
          "geburtstag",
          "minute",
          "platz",
          "mal",
          "stock",
          "klasse",
          "runde",
          "etage",
          "auflage",
          "sitzung",
          "lesung",
          "tag",
          "woche",
          "lebensjahr",
          "spieltag",
          "kapitel",
          "mai.");

  private static final Map<String, Set<String>> CLDR = new ConcurrentHashMap<>();

  /**
   * CLDR's sentence-break exceptions for the language (the lists behind ICU's @ss=standard;
   * en/de/es/fr/it/pt/ru), as written. Used only to veto the lower-case rule, never to suppress a
   * break: as suppressions they include "In.", "Is.", "Go." and single letters.
   */
  static Set<String> cldrAbbreviations(String lang) {
    return CLDR.computeIfAbsent(
        lang,
        l -> {
          Set<String> set = new HashSet<>();
          try {
            UResourceBundle b =
                UResourceBundle.getBundleInstance(
                    "com/ibm/icu/impl/data/icudata/brkitr",
                    l.isEmpty() ? ULocale.ROOT : new ULocale(l));
            UResourceBundle ex = b.get("exceptions").get("SentenceBreak");
            for (int i = 0; i < ex.getSize(); i++) {
              set.add(ex.getString(i));
            }
          } catch (RuntimeException e) {
            // no list for this language (or a future ICU moved it): the rule's own lists remain
          }
          return Set.copyOf(set);
        });
  }

  /** "mr.", "z. b." (as pair), ...: a full stop after which no sentence ends, whatever follows. */
  static boolean neverFinal(String lang, String token, String pair) {
    Set<String> never = NEVER_FINAL.getOrDefault(lang, Set.of());
    return COMMON_NEVER_FINAL.contains(token) || never.contains(token) || never.contains(pair);
  }

  /** "etc.", "и т. д." (as triple), ...: an abbreviation that may end a sentence; ICU decides. */
  static boolean maybeFinal(String lang, String token, String pair, String triple) {
    Set<String> maybe = MAYBE_FINAL.getOrDefault(lang, Set.of());
    return maybe.contains(token) || maybe.contains(pair) || maybe.contains(triple);
  }

  /** Whether the lower-case {@code token} is on any of this class's own lists for the language. */
  static boolean isListed(String lang, String token) {
    return COMMON_NEVER_FINAL.contains(token)
        || NEVER_FINAL.getOrDefault(lang, Set.of()).contains(token)
        || MAYBE_FINAL.getOrDefault(lang, Set.of()).contains(token);
  }

  /** Whether {@code word} (lower case) after "3." makes the number a German ordinal. */
  static boolean isGermanOrdinalHead(String word) {
    return GERMAN_ORDINAL_HEADS.contains(word);
  }
}
