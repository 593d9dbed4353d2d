package dev.packbert.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The corpora of {@code bench reuse}: the shares of repeats and of changes the issue asks for. */
class ReuseBenchCorpusTest {
  @Test
  void boilerplateLinesAreThirtyPercentOfSentences() {
    List<List<String>> docs = ReuseBench.sampleDocuments().subList(0, 200);
    List<List<String>> with = ReuseBench.withBoilerplate(docs);
    long original = docs.stream().mapToLong(List::size).sum();
    long all = with.stream().mapToLong(List::size).sum();
    long boiler =
        with.stream().flatMap(List::stream).filter(ReuseBench.BOILERPLATE::contains).count();
    double share = (double) boiler / all;
    assertTrue(Math.abs(share - 0.30) < 0.01, "boilerplate share " + share);
    assertTrue(all - boiler <= original, "the documents' own sentences are all still there");
  }

  @Test
  void dayTwoChangesOnePercentAndAddsOnePercent() {
    List<String> pool = new ArrayList<>();
    ReuseBench.sampleDocuments().forEach(pool::addAll);
    List<List<String>> day1 = ReuseBench.nextDayCorpus(pool, 1000, false);
    List<List<String>> day2 = ReuseBench.nextDayCorpus(pool, 1000, true);
    assertEquals(1000, day1.size());
    assertEquals(1010, day2.size());
    int changedDocs = 0;
    int changedSentences = 0;
    for (int i = 0; i < 1000; i++) {
      int diff = 0;
      for (int k = 0; k < ReuseBench.SENTENCES_PER_DOC; k++) {
        diff += day1.get(i).get(k).equals(day2.get(i).get(k)) ? 0 : 1;
      }
      changedDocs += diff > 0 ? 1 : 0;
      changedSentences += diff;
    }
    assertEquals(10, changedDocs);
    assertEquals(10, changedSentences, "one sentence edited per changed document");
    Set<String> day1Sentences = new HashSet<>();
    day1.forEach(day1Sentences::addAll);
    assertEquals(
        1000 * ReuseBench.SENTENCES_PER_DOC, day1Sentences.size(), "day 1 is distinct text");
  }

  /** The table's ratios: wall time and the tokens a free dedupe would save; no day-2 line. */
  @Test
  void tableGivesTheTokensRatioBesideTheTimeRatio() {
    List<ReuseBench.Run> runs =
        List.of(
            new ReuseBench.Run(
                "repeats-30%", "dedupe", 1, 10, 140, 100, 0, 100, 880, 89.0, 90.0, 0, 0),
            new ReuseBench.Run(
                "repeats-30%", "--no-dedupe", 1, 10, 140, -1, 0, 140, 1000, 100.0, 101, 0, 0));
    String md = ReuseBench.table(runs, "0", "0");
    assertTrue(md.contains("dedupe takes 0.89× the time; it embeds 0.88× the tokens"), md);
    assertTrue(md.contains("| repeats-30% | --no-dedupe | 1 | 10 | 140 |  | 0 |"), md);
    assertTrue(!md.contains("next day"), md);
  }

  @Test
  void copiesAreOneInTenAndSpreadOverTheCorpus() {
    List<List<String>> docs = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      docs.add(List.of("document " + i));
    }
    List<List<String>> with = ReuseBench.withCopies(docs, ReuseBench.COPY_EVERY);
    assertEquals(1100, with.size());
    Set<List<String>> copied = new HashSet<>(with.subList(1000, 1100));
    assertEquals(100, copied.size(), "each copy of another document");
    assertTrue(copied.contains(docs.get(0)) && copied.contains(docs.get(70)), "spread out");
  }

  /** With slices, the two modes are the scopes, and each slice's lookup gets its share. */
  @Test
  void scopesAreComparedWhenTheCorpusIsSliced() {
    List<ReuseBench.Run> runs =
        List.of(
            new ReuseBench.Run(
                "natural", "dedupe-scope run", 1, 10, 140, 100, 0, 95, 950, 98.0, 99.0, 5, 2.0),
            new ReuseBench.Run(
                "natural", "dedupe-scope slice", 1, 10, 140, 105, 0, 105, 1000, 100.0, 101, 0, 0));
    String md = ReuseBench.table(runs, "0", "0");
    assertTrue(
        md.contains("dedupe-scope run takes 0.98× the time; it embeds 0.95× the tokens"), md);
    String lookups =
        ReuseBench.lookupTable(
            List.of(new ReuseBench.SliceLookup("natural", "run", 1, 3, 7, 1.5, 30.0)));
    assertTrue(
        lookups.contains("| natural | run | 1 | 3 | 3 | 7 | 1.50 | 30.0 | 5.0 % |"), lookups);
  }
}
