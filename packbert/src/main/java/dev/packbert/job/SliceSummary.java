package dev.packbert.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one committed slice holds, written as {@code OUTPUT/_slices/<slice>.json} after its data was
 * committed. The job's summary is the sum of these, so it counts every slice exactly once however
 * many runs, retried tasks or recomputed partitions it took.
 */
record SliceSummary(
    int slice,
    long inputRows,
    long documents,
    long rejectedRows,
    Map<String, Long> rejectedByReason,
    long sentences,
    long documentVectors,
    long tokens,
    long packedRows,
    long tokenSlots,
    long truncated,
    long splitSentences,
    long failedRows,
    double seconds,
    double graphSeconds,
    long units,
    long distinctUnits,
    long reusedUnits,
    long embeddedUnits,
    long earlierSliceUnits,
    double earlierLookupSeconds) {

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT);

  String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static SliceSummary fromJson(String json) throws IOException {
    return JSON.readValue(json, SliceSummary.class);
  }

  /** The slices added up: the counts of the whole output. */
  static SliceSummary total(List<SliceSummary> slices) {
    Map<String, Long> reasons = new LinkedHashMap<>();
    long[] n = new long[16];
    double seconds = 0;
    double graph = 0;
    double lookup = 0;
    for (SliceSummary s : slices) {
      n[0] += s.inputRows;
      n[1] += s.documents;
      n[2] += s.rejectedRows;
      n[3] += s.sentences;
      n[4] += s.documentVectors;
      n[5] += s.tokens;
      n[6] += s.packedRows;
      n[7] += s.tokenSlots;
      n[8] += s.truncated;
      n[9] += s.splitSentences;
      n[10] += s.failedRows;
      n[11] += s.units;
      n[12] += s.distinctUnits;
      n[13] += s.reusedUnits;
      n[14] += s.embeddedUnits;
      n[15] += s.earlierSliceUnits;
      seconds += s.seconds;
      graph += s.graphSeconds;
      lookup += s.earlierLookupSeconds;
      s.rejectedByReason.forEach((k, v) -> reasons.merge(k, v, Long::sum));
    }
    return new SliceSummary(
        -1, n[0], n[1], n[2], reasons, n[3], n[4], n[5], n[6], n[7], n[8], n[9], n[10], seconds,
        graph, n[11], n[12], n[13], n[14], n[15], lookup);
  }

  /** Real tokens / token slots; NaN before any row. */
  double paddingEfficiency() {
    return tokenSlots == 0 ? Double.NaN : (double) tokens / tokenSlots;
  }
}
