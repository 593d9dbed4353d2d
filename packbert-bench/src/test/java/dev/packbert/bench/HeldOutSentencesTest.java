package dev.packbert.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.text.BreakIterator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * bench quality's sentences are held out: none is a sentence of the documents the timing corpus
 * reads (BenchCorpus.sentences takes the first 250 English documents for 2,000 sentences, doubling
 * when short; 600 covers that with room), and none repeats.
 */
class HeldOutSentencesTest {
  @Test
  void twoThousandDistinctSentencesOutsideTheTimingDocuments() throws Exception {
    List<String> held = BenchCorpus.heldOut(2000);
    assertEquals(2000, held.size());
    Set<String> lower = new HashSet<>();
    for (String s : held) {
      assertTrue(lower.add(s.toLowerCase(Locale.ROOT)), "repeated: " + s);
    }
    Set<String> timing = new HashSet<>();
    for (String[] d : EuroparlSample.englishDocuments(600)) {
      BreakIterator it = BreakIterator.getSentenceInstance(Locale.ROOT);
      it.setText(d[1]);
      for (int a = it.first(), b = it.next(); b != BreakIterator.DONE; a = b, b = it.next()) {
        timing.add(d[1].substring(a, b).strip().toLowerCase(Locale.ROOT));
      }
    }
    assertTrue(timing.size() > 4000, "timing documents' sentences: " + timing.size());
    long shared = held.stream().filter(s -> timing.contains(s.toLowerCase(Locale.ROOT))).count();
    // europarl repeats formulae across sittings ("The debate is closed."): those are left out too
    assertEquals(0, shared, "held-out sentences that also occur in the timing documents");
  }
}
