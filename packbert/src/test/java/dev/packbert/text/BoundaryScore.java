package dev.packbert.text;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BiFunction;

/**
 * Sentence-boundary precision, recall and F1 of a splitter against {@link LabelledSentences}' gold.
 * A boundary is the (whitespace-trimmed) end of every sentence but a document's last, so a splitter
 * is scored on where it cuts, not on how it trims.
 */
public record BoundaryScore(
    int truePositives, int falsePositives, int falseNegatives, int exactDocs, int docs) {

  public double precision() {
    int found = truePositives + falsePositives;
    return found == 0 ? Double.NaN : truePositives / (double) found;
  }

  public double recall() {
    int gold = truePositives + falseNegatives;
    return gold == 0 ? Double.NaN : truePositives / (double) gold;
  }

  /** 2TP / (2TP + FP + FN); 1 where there was no boundary to find and none was found. */
  public double f1() {
    int d = 2 * truePositives + falsePositives + falseNegatives;
    return d == 0 ? 1.0 : 2.0 * truePositives / d;
  }

  /** "P / R / F1 (exact docs %)", in percent. */
  public String cell() {
    return String.format(
        Locale.ROOT,
        "%s / %s / %.1f (%.0f%%)",
        percent(precision()),
        percent(recall()),
        100 * f1(),
        100.0 * exactDocs / Math.max(1, docs));
  }

  private static String percent(double x) {
    return Double.isNaN(x) ? "–" : String.format(Locale.ROOT, "%.1f", 100 * x);
  }

  /** Boundaries of a splitter's spans: the end of every span but the last. */
  public static TreeSet<Integer> boundaries(int[][] spans) {
    TreeSet<Integer> b = new TreeSet<>();
    for (int i = 0; i < spans.length - 1; i++) {
      b.add(spans[i][1]);
    }
    return b;
  }

  /** The score of {@code predicted} (doc -> boundaries) on {@code docs}. */
  public static BoundaryScore of(
      List<LabelledSentences.Doc> docs, Map<String, TreeSet<Integer>> predicted) {
    int tp = 0;
    int fp = 0;
    int fn = 0;
    int exact = 0;
    for (LabelledSentences.Doc d : docs) {
      TreeSet<Integer> gold = d.boundaries();
      TreeSet<Integer> found = predicted.get(d.id());
      for (int x : found) {
        if (gold.contains(x)) {
          tp++;
        } else {
          fp++;
        }
      }
      for (int x : gold) {
        if (!found.contains(x)) {
          fn++;
        }
      }
      if (gold.equals(found)) {
        exact++;
      }
    }
    return new BoundaryScore(tp, fp, fn, exact, docs.size());
  }

  /**
   * Per language (in {@link LabelledSentences#LANGUAGES} order, then "all"), the score of a
   * splitter given as (text, language) -> spans.
   */
  public static Map<String, BoundaryScore> perLanguage(
      List<LabelledSentences.Doc> docs, BiFunction<String, String, int[][]> splitter) {
    Map<String, TreeSet<Integer>> predicted = new LinkedHashMap<>();
    for (LabelledSentences.Doc d : docs) {
      predicted.put(d.id(), boundaries(splitter.apply(d.text(), d.lang())));
    }
    return perLanguage(docs, predicted);
  }

  /** Per language, then "all", for boundaries already found. */
  public static Map<String, BoundaryScore> perLanguage(
      List<LabelledSentences.Doc> docs, Map<String, TreeSet<Integer>> predicted) {
    Map<String, BoundaryScore> out = new LinkedHashMap<>();
    for (String lang : LabelledSentences.LANGUAGES) {
      List<LabelledSentences.Doc> ld = docs.stream().filter(d -> d.lang().equals(lang)).toList();
      if (!ld.isEmpty()) {
        out.put(lang, of(ld, predicted));
      }
    }
    out.put("all", of(docs, predicted));
    return out;
  }
}
