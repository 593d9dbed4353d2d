package dev.packbert.bench;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code packbert bench reuse}: issue 25's dedupe and next-day table ({@link ReuseBench}). */
@Command(
    name = "reuse",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Run the embed job in-process on europarl documents with 30 %% boilerplate repeats and as they"
            + " are, dedupe on vs --no-dedupe in alternated rounds; then day 1 = N documents and day 2"
            + " = 1 %% changed + 1 %% added with --reuse day 1. Prints wall times and units.")
public final class ReuseCommand implements Callable<Integer> {
  @Option(
      names = "--documents",
      description =
          "day 1's documents; the within-run corpora take at most this many sample documents"
              + " (default: ${DEFAULT-VALUE})")
  int documents = 100_000;

  @Option(
      names = "--rounds",
      description = "alternated dedupe/--no-dedupe rounds (default: ${DEFAULT-VALUE})")
  int rounds = 2;

  @Option(
      names = "--within-documents",
      description =
          "the within-run corpora: 0 for the sample's own documents, or this many synthetic"
              + " documents of distinct text (4 sentences each; 0 %% repeats as they are, 30 %% with"
              + " the boilerplate) (default: ${DEFAULT-VALUE})")
  int withinDocuments = 0;

  @Option(
      names = "--no-next-day",
      negatable = true,
      description = "skip (or, by default, run) the next-day part")
  boolean nextDay = true;

  @Option(
      names = "--slice-documents",
      description =
          "cut the within-run corpora into slices of this many documents and compare"
              + " --dedupe-scope run with slice instead of dedupe with --no-dedupe, adding a corpus"
              + " with 10 %% of its documents posted twice; 0 = one slice"
              + " (default: ${DEFAULT-VALUE})")
  int sliceDocuments = 0;

  @Option(names = "--model", description = "model (default: ${DEFAULT-VALUE})")
  String model = "all-minilm-l6-v2";

  @Option(names = "--threads", description = "Spark local[N] (default: ${DEFAULT-VALUE})")
  int threads = 2;

  @Option(names = "--out", description = "work and report folder (default: ${DEFAULT-VALUE})")
  Path out = Path.of("target/bench-reuse");

  @Override
  public Integer call() throws Exception {
    if (documents < 100 || rounds < 1 || threads < 1 || withinDocuments < 0 || sliceDocuments < 0) {
      throw new IllegalArgumentException(
          "--documents ≥ 100, --rounds ≥ 1, --threads ≥ 1, --within-documents ≥ 0 and"
              + " --slice-documents ≥ 0");
    }
    String md =
        new ReuseBench(
                new ReuseBench.Settings(
                    documents,
                    rounds,
                    model,
                    threads,
                    out,
                    withinDocuments,
                    nextDay,
                    sliceDocuments),
                System.err)
            .run();
    System.out.print(md);
    return 0;
  }
}
