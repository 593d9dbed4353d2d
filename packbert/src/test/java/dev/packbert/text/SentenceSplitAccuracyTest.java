package dev.packbert.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link LanguageSentenceSplitter} scored per language against the labelled samples' gold (written
 * by hand, not by any splitter), with floors a little under what it measured when it was added, so
 * that a rule change that hurts one language fails here even when the others improve. The floors
 * are about a point under the measurement (a point is one or two boundaries in a language's ~40):
 * zh 98.1, ja 98.0, ko 96.6, th 92.7 and 100.0 for the other seven on the sample; 97.0 for zh and
 * 100.0 for the rest on the held-out documents. Spark NLP's numbers on the same documents are in
 * docs/MULTILINGUAL.md (the bench module's SentenceSplitterComparisonTest prints them).
 */
class SentenceSplitAccuracyTest {

  private static final Map<String, Double> SAMPLE_FLOORS =
      Map.ofEntries(
          Map.entry("zh", 97.0),
          Map.entry("ja", 97.0),
          Map.entry("ko", 95.5),
          Map.entry("hi", 99.0),
          Map.entry("ar", 99.0),
          Map.entry("ru", 99.0),
          Map.entry("de", 99.0),
          Map.entry("fr", 99.0),
          Map.entry("es", 99.0),
          Map.entry("th", 91.5),
          Map.entry("en", 99.0),
          Map.entry("all", 98.0));

  /** The held-out documents are 10 per language: one missed boundary costs 5-10 points there. */
  private static final Map<String, Double> HELD_OUT_FLOORS =
      Map.ofEntries(
          Map.entry("zh", 95.0),
          Map.entry("ja", 99.0),
          Map.entry("ko", 99.0),
          Map.entry("hi", 99.0),
          Map.entry("ar", 99.0),
          Map.entry("ru", 99.0),
          Map.entry("de", 99.0),
          Map.entry("fr", 99.0),
          Map.entry("es", 99.0),
          Map.entry("th", 99.0),
          Map.entry("en", 99.0),
          Map.entry("all", 99.0));

  @Test
  void eachLanguageOfTheSampleStaysAboveItsFloor() {
    check("sample", LabelledSentences.load(LabelledSentences.SAMPLE), SAMPLE_FLOORS, "");
  }

  @Test
  void eachLanguageOfTheHeldOutSampleStaysAboveItsFloor() {
    check("held-out", LabelledSentences.load(LabelledSentences.HELD_OUT), HELD_OUT_FLOORS, "");
  }

  /** language=auto picks the rules from the script; on the mixed sample it loses nothing. */
  @Test
  void autoLanguageScoresAsWellAsTheTrueLanguage() {
    check(
        "sample, language=auto",
        LabelledSentences.load(LabelledSentences.SAMPLE),
        SAMPLE_FLOORS,
        LanguageSentenceSplitter.AUTO);
  }

  private static void check(
      String name, List<LabelledSentences.Doc> docs, Map<String, Double> floors, String language) {
    Map<String, BoundaryScore> scores =
        BoundaryScore.perLanguage(
            docs,
            (text, lang) ->
                LanguageSentenceSplitter.split(text, language.isEmpty() ? lang : language));
    assertEquals(floors.keySet(), scores.keySet(), "languages of " + name);
    List<String> below = new ArrayList<>();
    StringBuilder table = new StringBuilder(name + ": P / R / F1 (exact docs)\n");
    scores.forEach(
        (lang, s) -> {
          table.append(String.format(Locale.ROOT, "  %-4s %s%n", lang, s.cell()));
          if (100 * s.f1() < floors.get(lang)) {
            below.add(
                String.format(Locale.ROOT, "%s %.1f < %.1f", lang, 100 * s.f1(), floors.get(lang)));
          }
        });
    System.out.print(table);
    assertTrue(below.isEmpty(), name + ": boundary F1 under its floor: " + below);
  }
}
