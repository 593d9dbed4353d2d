package dev.packbert.job;

import java.util.List;

/**
 * The fields of {@code _packbert_summary.json} that a resumed, retried or restarted run must
 * reproduce exactly: written out here, not read from the job, so a field the job stops writing
 * fails the tests that compare runs.
 */
public final class RunCounts {
  public static final List<String> FIELDS =
      List.of(
          "input_rows",
          "documents",
          "rejected_rows",
          "sentences",
          "tokens",
          "packed_rows",
          "token_slots",
          "padding_efficiency",
          "truncated",
          "split_sentences",
          "failed_rows",
          "slices");

  private RunCounts() {}
}
