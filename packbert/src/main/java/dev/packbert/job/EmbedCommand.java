package dev.packbert.job;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code packbert embed}: the fixed command-line contract other tools call. */
@Command(
    name = "embed",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Embed every sentence (and optionally document) of a text collection with packed BERT.")
public class EmbedCommand implements Callable<Integer> {

  @Option(
      names = "--input",
      required = true,
      description = "input file or directory (local, hdfs://, s3a://)")
  String input;

  @Option(
      names = "--output",
      required = true,
      description = "output directory (local, hdfs://, s3a://)")
  String output;

  @Option(
      names = "--input-format",
      description = "text | jsonl | parquet | csv (default: from the extension)")
  String inputFormat;

  @Option(
      names = "--id-col",
      description =
          "document id column (default: ${DEFAULT-VALUE}; if absent, the 0-based row number)")
  String idCol;

  @Option(names = "--text-col", description = "text column (default: ${DEFAULT-VALUE})")
  String textCol;

  @Option(
      names = "--output-format",
      description = "parquet | json | delta (default: ${DEFAULT-VALUE})")
  String outputFormat;

  @Option(
      names = "--model",
      description =
          "model name or directory; its own pooling, normalization and maximum length become the"
              + " defaults (default: ${DEFAULT-VALUE})")
  String model;

  @Option(names = "--split", description = "sentences | none (default: ${DEFAULT-VALUE})")
  String split;

  @Option(
      names = "--language",
      description =
          "how sentences are split: auto (each document's language from its script; English to"
              + " Spark NLP's detector as before, the others to ICU4J + rules), en, or a code such"
              + " as zh, ja, ko, hi, ar, ru, de, fr, es, th to split every document by that"
              + " language's rules (default: ${DEFAULT-VALUE})")
  String language;

  @Option(names = "--unit", description = "sentence | document | both (default: ${DEFAULT-VALUE})")
  String unit;

  @Option(
      names = "--pooling",
      description =
          "comma list of cls, mean, pooler, max (default: the model's own pooling, else mean)")
  String pooling;

  @Option(
      names = "--normalize",
      negatable = true,
      description =
          "L2-normalize every vector; --no-normalize turns a model's own normalization off"
              + " (default: the model's own, else off)")
  Boolean normalize;

  @Option(
      names = "--prefix",
      description =
          "text put before every unit before tokenization, e.g. 'query: ' or 'passage: ' for E5;"
              + " spans and the text column stay the original's")
  String prefix;

  @Option(
      names = "--vector-type",
      description =
          "array (array<float>) | ml (Spark ML Vector, for KMeans, LSH, ...) (default: ${DEFAULT-VALUE})")
  String vectorType;

  @Option(
      names = "--max-seq-length",
      description =
          "tokens per packed row, also the longest sentence before truncation (default: 128, or"
              + " the model's own maximum length where shorter)")
  Integer maxSeqLength;

  @Option(
      names = "--packing",
      description = "spfhp | lpfhp | ffd | none (default: ${DEFAULT-VALUE})")
  String packing;

  @Option(
      names = "--narrow-rows",
      negatable = true,
      description =
          "pack sentences that fit in half a row into half-width rows: the same vectors, half the"
              + " attention cost for those rows (default: on)")
  Boolean narrowRows;

  @Option(
      names = "--tokens-per-batch",
      description = "token budget of one engine call (default: ${DEFAULT-VALUE})")
  Integer tokensPerBatch;

  @Option(
      names = "--precision",
      description = "fp32 | bf16 (tensorflow) | int8 (onnxruntime) (default: ${DEFAULT-VALUE})")
  String precision;

  @Option(
      names = "--engine",
      description =
          "tensorflow | onnxruntime: the runtime that runs BERT (onnxruntime: CPU, fp32 or int8) (default: ${DEFAULT-VALUE})")
  String engine;

  @Option(
      names = "--master",
      description = "Spark master; ignored under spark-submit (default: ${DEFAULT-VALUE})")
  String master;

  @Option(names = "--conf", description = "Spark setting key=value (repeatable)")
  List<String> conf = new ArrayList<>();

  @Option(names = "--config", description = "HOCON file layered over conf/application.conf")
  String config;

  @Option(
      names = "--scope",
      description =
          "partition | document: which sentences may share a row (default: ${DEFAULT-VALUE})")
  String scope;

  @Option(names = "--over-length", description = "truncate | split (default: ${DEFAULT-VALUE})")
  String overLength;

  @Option(
      names = "--partitions",
      description =
          "partitions to spread the documents over; 0 = about 500 documents each, at most 4 per core (default: ${DEFAULT-VALUE})")
  Integer partitions;

  @Option(
      names = "--slice-documents",
      description =
          "documents per committed slice (by a hash of doc_id); 0 = one slice (default: ${DEFAULT-VALUE})")
  Long sliceDocuments;

  @Option(
      names = "--resume",
      description =
          "finish the run in --output: keep its committed slices, redo the rest (same settings only)")
  boolean resume;

  // On by default: on ~100k sentences it cost about 1 % of the job's wall time beyond the work it
  // saved, and the run was net faster on text with 5 % repeats (bench reuse --within-documents
  // 26000, 2026-12-07); issue 25 allows a default 3 %. Its fixed cost (1-2 s of shuffles) was 4-7 %
  // of a ~12k-sentence run. Named by its negative form, picocli's pattern for a flag true by
  // default.
  @Option(
      names = "--no-dedupe",
      negatable = true,
      description =
          "embed each distinct unit_key (model + token ids) once and fan its vector out"
              + " to every row that has it; --no-dedupe embeds every row (default: on; --reuse"
              + " always looks up distinct keys)")
  boolean dedupe = true;

  @Option(
      names = "--dedupe-scope",
      description =
          "run: a key already embedded in an earlier slice of this run takes its vector from that"
              + " slice's output; slice: each slice dedupes on its own (default: ${DEFAULT-VALUE})")
  String dedupeScope;

  @Option(
      names = "--reuse",
      arity = "1..*",
      paramLabel = "PATH",
      description =
          "earlier PackBERT outputs (same model and settings) whose vectors are reused by unit_key;"
              + " only sentences none of them has are embedded")
  List<String> reuse = new ArrayList<>();

  @Override
  public Integer call() {
    EmbedSettings s = EmbedSettings.from(this, JobConfig.load(config));
    JobSummary summary = new EmbedJob(s).run();
    System.out.println(summary.toConsole());
    return 0;
  }
}
