package dev.packbert.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.packbert.pack.PackingStats;
import dev.packbert.spark.EmbedderStats;
import dev.packbert.spark.EmbeddingPipeline;
import dev.packbert.text.SentenceSplitter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedding job behind {@code packbert embed}: its lifecycle around one {@link
 * EmbeddingPipeline} (split → tokenize → pack → embed → merge windows → roll up → vector type),
 * built once from the settings. The job reads the input, cuts it into slices, runs the pipeline on
 * each slice not yet committed, writes and commits it, lists the rows it did not embed, and sums
 * the slices up.
 *
 * <p>Output layout: {@code OUTPUT/sentences} (one row per sentence), {@code OUTPUT/documents} (with
 * {@code --unit document|both}), {@code OUTPUT/_rejected} (JSON lines: every input row or sentence
 * that was not embedded, with its reason) and {@code OUTPUT/_packbert_summary.json}.
 */
public final class EmbedJob {
  private static final Logger LOG = LoggerFactory.getLogger(EmbedJob.class);
  private static final String SLICE = "slice";
  private final EmbedSettings s;

  EmbedJob(EmbedSettings settings) {
    this.s = settings;
  }

  public JobSummary run() {
    long t0 = System.nanoTime();
    checkModel();
    StorageChecks.check(s);
    SparkSession spark = session();
    OutputDir out = new OutputDir(s.output(), spark.sparkContext().hadoopConfiguration());
    boolean outputExisted = exists(spark, s.output());
    try {
      if (!s.resume() && out.existsAndNotEmpty()) {
        throw new UserError(
            "--output "
                + s.output()
                + " already exists; pass --resume to finish the run there, or choose another"
                + " --output");
      }
      return run(spark, out, t0);
    } catch (
        Throwable e) { // Spark rethrows checked exceptions undeclared; precise rethrow keeps them
      // a failed run must not leave a half-written OUTPUT that looks like a result; committed
      // slices are kept, --resume finishes the rest
      int committed = out.sliceMarkersOrUnknown(); // -1: cannot tell, so nothing is deleted
      if (!outputExisted && committed == 0) {
        deleteQuietly(spark, s.output());
      }
      // a storage failure is one line that says what happened (and that --resume keeps work)
      Optional<UserError> storage = StorageErrors.asUserError(e, s.input(), s.output(), committed);
      if (storage.isPresent()) {
        throw storage.get();
      }
      if (committed > 0) {
        LOG.warn(
            "{} slices are committed in {}; rerun with --resume to finish", committed, s.output());
      }
      throw e;
    } finally {
      if (!s.sparkConf().containsKey("packbert.keep-session")) {
        spark.stop();
      }
    }
  }

  /**
   * Everything that can be checked without Spark is checked first, so a typo or a broken model
   * costs seconds, not a failed task after OUTPUT was started. (The model's name, vocabulary and
   * architecture were resolved with the settings.)
   */
  private void checkModel() {
    if (s.modelDefaults().pooling() == null) {
      // a folder that does not say what it is (no modules.json / 1_Pooling): say what was chosen
      LOG.info(
          "model {} declares no pooling: using pooling {}, normalize {} (set --pooling,"
              + " --normalize, or add the sentence-transformers modules.json and 1_Pooling)",
          s.model(),
          s.poolings().stream().map(dev.packbert.model.Pooling::column).toList(),
          s.normalize());
    }
    if (s.prefix().isEmpty() && !s.modelDefaults().prefixHint().isEmpty()) {
      LOG.info("model {}: {} (--prefix)", s.model(), s.modelDefaults().prefixHint());
    }
    if (s.precision() == dev.packbert.model.Precision.BF16
        && !dev.packbert.engine.CpuFeatures.hasBf16()) {
      // TF still rewrites the graph to bf16 there and emulates it: the bench measured 137 sent/s
      // against fp32's 239 on an AVX2-only EPYC (docs/BENCHMARKS.md)
      LOG.warn(
          "--precision bf16 on a CPU without AVX512-BF16 or AMX (this driver's): TensorFlow"
              + " emulates bfloat16 there, slower than fp32 and less exact; a GPU or bf16 CPU on"
              + " the executors is fine");
    }
    // The executors load the weights, where a truncated or contradicting model would only show as
    // a failed task; reading them here once turns it into a one-line error before Spark starts
    // (cost: one extra read of the weights, ~1 s for BERT-base).
    long t = System.nanoTime();
    dev.packbert.model.BertWeights weights = s.resolvedModel().loadWeights();
    long read = System.nanoTime();
    // the weights' content digest for the unit keys' fingerprint, while they are loaded anyway
    String digest = s.resolvedModel().weightsDigest(weights);
    LOG.info(
        "model {}: weights read in {} ms, digested in {} ms (sha256 {})",
        s.model(),
        (read - t) / 1_000_000,
        (System.nanoTime() - read) / 1_000_000,
        digest.substring(0, 12));
  }

  private static boolean exists(SparkSession spark, String location) {
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(location);
      return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p);
    } catch (IOException | RuntimeException e) {
      return true; // unknown: never delete what might have been there before
    }
  }

  private static void deleteQuietly(SparkSession spark, String location) {
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(location);
      p.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(p, true);
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not remove the partial output {}: {}", location, e.toString());
    }
  }

  private SparkSession session() {
    SparkSession.Builder b = SparkSession.builder().appName("packbert-embed");
    // Under spark-submit the master comes from there; --master is for embedded runs.
    if (System.getProperty("spark.master") == null) {
      b.master(s.master());
    }
    s.sparkConf()
        .forEach(
            (k, v) -> {
              if (!k.startsWith("packbert.")) {
                b.config(k, v);
              }
            });
    // --reuse may name Delta outputs whatever this run writes, and Delta reads need the extension
    if (s.outputFormat().equals("delta") || !s.reuse().isEmpty()) {
      DeltaSessionConf.settings(k -> s.sparkConf().getOrDefault(k, System.getProperty(k)))
          .forEach(b::config);
    }
    return b.getOrCreate();
  }

  /**
   * read → (resume?) → for each slice not yet committed: split → tokenize → pack → embed → write
   * vectors → write rejected → commit the slice → summarize the whole output.
   */
  private JobSummary run(SparkSession spark, OutputDir out, long t0) {
    Map<String, Object> settings = RunRecord.settingsOf(s);
    Optional<RunRecord> recorded =
        out.readOptional(OutputDir.RUN_RECORD)
            .map(json -> RunRecord.parse(json, s.output() + "/" + OutputDir.RUN_RECORD));
    recorded.ifPresent(r -> r.requireSameSettings(settings, s.output()));
    if (recorded.isEmpty() && out.existsAndNotEmpty()) {
      // not started by this job (or by a version without slices): nothing in it can be trusted
      throw new UserError(
          "--resume: "
              + s.output()
              + " holds no "
              + OutputDir.RUN_RECORD
              + ", so it is not a run to resume; choose another --output");
    }
    if (recorded.isPresent()
        && out.committedSlices().size() == recorded.get().slices()
        && out.readOptional(OutputDir.SUMMARY).isPresent()) {
      // the CLI's own voice, like its refusals: the caller asked for work and gets none
      System.err.println(
          "packbert: "
              + s.output()
              + " is complete: all "
              + recorded.get().slices()
              + " slices are committed; nothing to do");
      return JobSummary.parse(out.readOptional(OutputDir.SUMMARY).orElseThrow());
    }
    Input input = readInput(spark);
    RunRecord run =
        recorded.orElseGet(
            () ->
                new RunRecord(
                    settings, input.rows(), SliceRule.slices(input.rows(), s.sliceDocuments())));
    run.requireSameInput(input.rows(), s.output());
    if (recorded.isEmpty()) {
      out.write(OutputDir.RUN_RECORD, run.toJson());
    }
    Dataset<Row> docs = input.docs();
    SortedMap<Integer, SliceSummary> committed = out.committedSlices();
    int resumed = committed.size();
    if (resumed > 0) {
      LOG.info("resuming: {} of {} slices already committed", resumed, run.slices());
    }
    // one pipeline for every slice, so e.g. its broadcast tokenizer is shipped once per job
    EmbeddingPipeline pipeline = pipeline();
    Map<String, String> fingerprint = pipeline.fingerprint();
    List<String> vectorColumns =
        s.poolings().stream().map(dev.packbert.model.Pooling::column).toList();
    Stages stages =
        new Stages(
            pipeline.embedded().fit(docs),
            pipeline.keyed(),
            pipeline.embedKeyed(),
            ReusedOutputs.read(spark, s.reuse(), fingerprint, vectorColumns)
                .map(d -> d.persist(StorageLevel.MEMORY_AND_DISK()))
                .orElse(null),
            run.slices() > 1 && EarlierSlices.applies(s)
                ? new EarlierSlices(spark, s.output() + "/sentences", readFormat(), vectorColumns)
                : null);
    for (int slice = 0; slice < run.slices(); slice++) {
      if (!committed.containsKey(slice)) {
        SortedSet<Integer> earlier = new TreeSet<>(committed.headMap(slice).keySet());
        committed.put(
            slice,
            embedSlice(
                spark, out, docs, input.rows(), run.slices(), slice, earlier, pipeline, stages));
      }
    }
    if (stages.reused() != null) {
      stages.reused().unpersist();
    }
    JobSummary summary =
        summarize(
            SliceSummary.total(List.copyOf(committed.values())),
            run.slices(),
            resumed,
            (System.nanoTime() - t0) / 1e9,
            fingerprint);
    out.write(OutputDir.SUMMARY, summary.toJson());
    docs.unpersist();
    LOG.info("wrote {} sentences to {}", summary.fields().get("sentences"), s.output());
    return summary;
  }

  /** One slice, written over whatever an interrupted attempt left, then committed. */
  private SliceSummary embedSlice(
      SparkSession spark,
      OutputDir out,
      Dataset<Row> allDocs,
      long allRows,
      int slices,
      int slice,
      SortedSet<Integer> earlier,
      EmbeddingPipeline pipeline,
      Stages stages) {
    long t0 = System.nanoTime();
    Dataset<Row> docs =
        slices == 1
            ? allDocs
            : allDocs.where(SliceRule.sliceOf(InputReader.ID, slices).equalTo(slice));
    long rows = slices == 1 ? allRows : docs.count();
    SliceInput input = sliceInput(docs);
    int partitions =
        s.partitions() > 0
            ? s.partitions()
            : autoPartitions(rows, spark.sparkContext().defaultParallelism());
    // fresh counters per slice, on the same stages
    PackingStats packing = PackingStats.register(spark.sparkContext());
    EmbedderStats embedding = new EmbedderStats(spark.sparkContext());
    pipeline.packer().setStats(packing);
    pipeline.embedder().setStats(embedding);
    Units units = embedUnits(input.readable().repartition(partitions), partitions, stages, earlier);
    Dataset<Row> embedded = units.embedded();
    SliceOutput where = new SliceOutput(slices, slice);
    Written written = writeVectors(spark, pipeline, embedded, embedding, where);
    Rejected rejected = writeRejected(input.rejected(), embedded, where);
    embedded.unpersist();
    units.release();
    input.rejected().unpersist();
    SliceSummary done =
        new SliceSummary(
            slice,
            rows,
            rows - rejected.rows(),
            rejected.rows(),
            rejected.byReason(),
            written.sentences(),
            written.documents(),
            packing.realTokens(),
            packing.rows(),
            packing.tokenSlots(),
            written.truncated(),
            packing.splitSentences(),
            rejected.failedSentences(),
            round((System.nanoTime() - t0) / 1e9),
            round(embedding.graphNanos.value() / 1e9),
            units.rows() >= 0 ? units.rows() : written.sentences() + rejected.failedSentences(),
            units.distinct(),
            units.reused(),
            units.distinct() >= 0
                ? units.distinct() - units.reused() - units.fromEarlierSlices()
                : packing.sentences(),
            units.fromEarlierSlices(),
            round(units.lookupSeconds()));
    // written only now that the slice's data is committed: its presence is the commit
    out.write(OutputDir.SLICES + "/" + SliceRule.name(slice) + ".json", done.toJson());
    if (slices > 1) {
      LOG.info(
          "slice {} of {} committed: {} documents, {} sentences",
          slice + 1,
          slices,
          done.documents(),
          done.sentences());
    }
    return done;
  }

  /**
   * The job's fitted pipelines, the earlier outputs' vectors by key (null without --reuse), and
   * this run's own committed slices as a source of vectors (null where they are not read back).
   */
  private record Stages(
      PipelineModel embed,
      org.apache.spark.ml.Pipeline keyed,
      org.apache.spark.ml.Pipeline embedKeyed,
      Dataset<Row> reused,
      EarlierSlices earlierSlices) {}

  /** A pipeline of transformers applied in order (not fitted: its input is not the documents). */
  private static Dataset<Row> apply(org.apache.spark.ml.Pipeline p, Dataset<Row> d) {
    for (org.apache.spark.ml.PipelineStage st : p.getStages()) {
      d = ((org.apache.spark.ml.Transformer) st).transform(d);
    }
    return d;
  }

  /**
   * A slice's merged sentence rows and how many units it had: rows, distinct keys (-1 with {@code
   * --no-dedupe}, not counted), keys found in an earlier output, keys found in an earlier slice of
   * this run.
   */
  private record Units(
      Dataset<Row> embedded,
      long rows,
      long distinct,
      long reused,
      long fromEarlierSlices,
      double lookupSeconds,
      List<Dataset<Row>> cached) {
    void release() {
      cached.forEach(Dataset::unpersist);
    }
  }

  /**
   * split → tokenize → key; then each distinct key embedded once (pack → embed → merge), or taken
   * from an earlier output with {@code --reuse}, and its vector fanned out to every sentence row
   * with that key (a join on the key). The rows equal a run without dedupe, in another order; the
   * packing counters count what was embedded. With {@code --no-dedupe} and no {@code --reuse}: the
   * plain pipeline, every sentence embedded.
   */
  private Units embedUnits(
      Dataset<Row> readable, int partitions, Stages stages, SortedSet<Integer> earlier) {
    if (!s.dedupe() && stages.reused() == null) {
      Dataset<Row> embedded =
          stages.embed().transform(readable).persist(StorageLevel.MEMORY_AND_DISK());
      return new Units(embedded, -1, -1, 0, 0, 0, List.of());
    }
    String key = dev.packbert.spark.UnitKeyer.COLUMN;
    Dataset<Row> units = apply(stages.keyed(), readable).persist(StorageLevel.MEMORY_AND_DISK());
    long rows = units.count();
    // --reuse dedupes even with --no-dedupe: its join is on distinct keys anyway (one row per key)
    Dataset<Row> distinct = FirstRowPerKey.of(units).persist(StorageLevel.MEMORY_AND_DISK());
    long distinctCount = distinct.count();
    Dataset<Row> toEmbed = distinct;
    List<Dataset<Row>> known = new ArrayList<>();
    List<Dataset<Row>> cached = new ArrayList<>(List.of(units, distinct));
    // this run's earlier slices first: a key they have is counted there, once per run, and not as
    // reused (so the summary's distinct, reused and embedded units add up over slices)
    long fromEarlier = 0;
    double lookupSeconds = 0;
    if (stages.earlierSlices() != null && !earlier.isEmpty()) {
      long t0 = System.nanoTime();
      Optional<EarlierSlices.Found> found =
          stages.earlierSlices().lookup(distinct.select(key), earlier);
      if (found.isPresent()) {
        fromEarlier = found.get().count();
        known.add(found.get().rows());
        cached.add(found.get().rows());
        toEmbed = toEmbed.join(found.get().rows().select(key), keySeq(key), "left_anti");
      }
      lookupSeconds = (System.nanoTime() - t0) / 1e9;
      LOG.info(
          "{} of {} keys found in {} earlier slices ({} s)",
          fromEarlier,
          distinctCount,
          earlier.size(),
          round(lookupSeconds));
    }
    long reused = 0;
    if (stages.reused() != null) {
      Dataset<Row> fromReuse = stages.reused().join(toEmbed.select(key), key);
      reused = fromReuse.count();
      known.add(fromReuse);
      toEmbed = toEmbed.join(stages.reused().select(key), keySeq(key), "left_anti");
    }
    // packing is per partition: back to the job's partitions, a document's sentences together
    toEmbed =
        s.scope().equals("document")
            ? toEmbed
                .repartition(partitions, col("doc_id"))
                .sortWithinPartitions(col("doc_id"), col("sentence_index"))
            // by key, not round-robin: a key's partition and its place in it do not depend on
            // which rows a recomputed partition holds, so a retried task packs the same rows
            : toEmbed.repartition(partitions, col(key)).sortWithinPartitions(col(key));
    Dataset<Row> fresh = apply(stages.embedKeyed(), toEmbed);
    List<String> spanColumns = List.of("doc_id", "sentence_index", "begin", "end", "text");
    Dataset<Row> byKey = fresh.drop(spanColumns.toArray(new String[0]));
    for (Dataset<Row> k : known) {
      byKey = byKey.unionByName(k.withColumn("error", lit(null).cast("string")));
    }
    List<org.apache.spark.sql.Column> spans = new ArrayList<>();
    spanColumns.forEach(c -> spans.add(col(c)));
    spans.add(col(key));
    Dataset<Row> embedded =
        units
            .select(spans.toArray(new org.apache.spark.sql.Column[0]))
            .join(byKey, key)
            .selectExpr(quoted(fresh.columns()))
            .persist(StorageLevel.MEMORY_AND_DISK());
    return new Units(embedded, rows, distinctCount, reused, fromEarlier, lookupSeconds, cached);
  }

  private static scala.collection.Seq<String> keySeq(String key) {
    return scala.collection.JavaConverters.asScalaBuffer(List.of(key)).toSeq();
  }

  private static String[] quoted(String[] columns) {
    String[] q = new String[columns.length];
    for (int i = 0; i < q.length; i++) {
      q[i] = "`" + columns[i] + "`";
    }
    return q;
  }

  /**
   * Where a slice's rows go: with one slice, straight into OUTPUT/sentences (the layout of a run
   * without slices); with several, OUTPUT/sentences/slice=00017 (Spark's partition discovery reads
   * it as a {@code slice} column) or, for Delta, the {@code slice} partition of one table.
   */
  private record SliceOutput(int slices, int slice) {
    String dir(String base) {
      return slices == 1 ? base : base + "/slice=" + SliceRule.name(slice);
    }
  }

  /** The input rows, persisted: every slice reads from them. */
  private record Input(Dataset<Row> docs, long rows) {}

  /**
   * Rows written: sentence vectors and document vectors; {@code truncated} counts sentence rows, so
   * a repeated sentence counts each time.
   */
  private record Written(long sentences, long documents, long truncated) {}

  /** Rows not embedded, by reason; input rows rejected and sentences that failed in the engine. */
  private record Rejected(Map<String, Long> byReason, long rows, long failedSentences) {}

  /** A slice's rows that can be embedded, and those rejected before splitting. */
  private record SliceInput(Dataset<Row> readable, Dataset<Row> rejected) {}

  private Input readInput(SparkSession spark) {
    Dataset<Row> docs;
    try {
      docs = InputReader.read(spark, s);
    } catch (Exception e) { // Spark's schema inference throws the checked SparkException undeclared
      if (e instanceof UserError u) {
        throw u;
      }
      Optional<String> storage = StorageErrors.describe(e, s.input(), "--input");
      if (storage.isPresent()) {
        throw new UserError(storage.get(), e);
      }
      // the innermost message says what is wrong ("... is not a Parquet file"); the outer ones say
      // "Job aborted"
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      throw new UserError(
          "cannot read --input "
              + s.input()
              + " as "
              + s.inputFormat()
              + ": "
              + PackBertCli.oneLine(String.valueOf(root.getMessage())));
    }
    docs = docs.persist(StorageLevel.MEMORY_AND_DISK());
    return new Input(docs, docs.count());
  }

  private static SliceInput sliceInput(Dataset<Row> docs) {
    Dataset<Row> readable = docs.where(col(InputReader.UNREADABLE).isNull());
    Dataset<Row> rejectedDocs =
        docs.where(col(InputReader.UNREADABLE).isNotNull())
            .select(col(InputReader.ID).as("doc_id"), col(InputReader.UNREADABLE).as("reason"))
            .unionByName(SentenceSplitter.rejected(readable, InputReader.ID, InputReader.TEXT))
            .withColumn("sentence_index", lit(null).cast("int"))
            .persist(StorageLevel.MEMORY_AND_DISK());
    return new SliceInput(readable, rejectedDocs);
  }

  /** The stages this run's settings ask for, built once. */
  private EmbeddingPipeline pipeline() {
    EmbeddingPipeline p = new EmbeddingPipeline(s.resolvedModel(), s.poolings(), s.normalize());
    p.splitter()
        .setIdCol(InputReader.ID)
        .setTextCol(InputReader.TEXT)
        .setMode(s.split())
        .setLanguage(s.language());
    p.tokenizer().setPrefix(s.prefix());
    p.packer()
        .setMaxSeqLength(s.maxSeqLength())
        .setAlgorithm(s.packing())
        .setNarrowRows(s.narrowRows())
        .setScope(s.scope())
        .setOverLength(s.overLength())
        .setSplitStride(s.splitStride())
        .setWindow(s.window())
        .setMaxSentencesPerRow(s.maxSentencesPerRow());
    p.embedder()
        .setTokensPerBatch(s.tokensPerBatch())
        .setPrecision(s.precision())
        .setEngine(s.engine());
    p.vectors().setVectorType(s.vectorType());
    return p;
  }

  /** Computes the embeddings (with progress lines) and writes the sentence and document vectors. */
  private Written writeVectors(
      SparkSession spark,
      EmbeddingPipeline pipeline,
      Dataset<Row> embedded,
      EmbedderStats embedding,
      SliceOutput where) {
    long sentencesOut;
    long documentsOut = 0;
    long truncatedOut;
    LiveAccumulators liveSentences = new LiveAccumulators(embedding.sentences);
    LiveAccumulators liveRows = new LiveAccumulators(embedding.rows);
    spark.sparkContext().addSparkListener(liveSentences);
    spark.sparkContext().addSparkListener(liveRows);
    try (ProgressReporter progress =
        new ProgressReporter(s.progressSeconds(), liveSentences::value, liveRows::value)) {
      // Compute (and cache) the embeddings exactly once, before several outputs read them: two
      // tasks of a later union could otherwise each compute the same partition on different
      // executors, which costs the work twice and makes the accumulators count it twice.
      // The same action counts the good and the truncated rows: one job, not three, for what
      // each output's write reads from the cache next.
      Row counts =
          embedded
              .agg(
                  count(when(col("error").isNull(), 1)),
                  count(when(col("error").isNull().and(col("truncated")), 1)))
              .first();
      // failed sentences go to _rejected (writeRejected), the others to the outputs
      Dataset<Row> good = embedded.where(col("error").isNull()).drop("error");
      // the packer counts what it embedded (one per distinct unit); the summary counts rows
      truncatedOut = counts.getLong(1);
      if (s.sentenceOutput()) {
        sentencesOut =
            writeAndCount(
                spark, pipeline.vectors().transform(good), s.output() + "/sentences", where);
      } else {
        sentencesOut = counts.getLong(0);
      }
      if (s.documentOutput()) {
        documentsOut =
            writeAndCount(
                spark,
                pipeline.vectors().transform(pipeline.rollup().transform(good)),
                s.output() + "/documents",
                where);
      }
    } finally {
      spark.sparkContext().removeSparkListener(liveSentences);
      spark.sparkContext().removeSparkListener(liveRows);
    }
    return new Written(sentencesOut, documentsOut, truncatedOut);
  }

  /** A column only the rejected counts see: whether a row failed in the engine. */
  private static final String FAILED = "_failed_in_engine";

  private Rejected writeRejected(
      Dataset<Row> rejectedDocs, Dataset<Row> embedded, SliceOutput where) {
    Dataset<Row> failed =
        embedded
            .where(col("error").isNotNull())
            .select(col("doc_id"), col("error").as("reason"), col("sentence_index"));
    // one union for the file and the counts; the flag column only separates the two counts
    Dataset<Row> rejected =
        rejectedDocs
            .withColumn(FAILED, lit(false))
            .unionByName(failed.withColumn(FAILED, lit(true)));
    rejected
        .drop(FAILED)
        .coalesce(1)
        .write()
        .mode(SaveMode.Overwrite)
        .json(where.dir(s.output() + "/_rejected"));
    // one aggregation for the reasons and both counts (each count was a job of its own)
    Map<String, Long> reasons = new LinkedHashMap<>();
    long rows = 0;
    long failedSentences = 0;
    for (Row r : rejected.groupBy(col("reason"), col(FAILED)).count().collectAsList()) {
      reasons.merge(r.getString(0), r.getLong(2), Long::sum);
      if (r.getBoolean(1)) {
        failedSentences += r.getLong(2);
      } else {
        rows += r.getLong(2);
      }
    }
    return new Rejected(reasons, rows, failedSentences);
  }

  private JobSummary summarize(
      SliceSummary all, int slices, int resumed, double wall, Map<String, String> fingerprint) {
    return new JobSummary()
        .put("input_rows", all.inputRows())
        .put("documents", all.documents())
        .put("rejected_rows", all.rejectedRows())
        .put("rejected_by_reason", all.rejectedByReason())
        .put("sentences", all.sentences())
        .put("document_vectors", all.documentVectors())
        .put("tokens", all.tokens())
        .put("packed_rows", all.packedRows())
        .put("token_slots", all.tokenSlots())
        .put("padding_efficiency", round(all.paddingEfficiency()))
        .put("truncated", all.truncated())
        .put("split_sentences", all.splitSentences())
        .put("failed_rows", all.failedRows())
        // sentence rows; distinct unit_keys (-1: --no-dedupe, not counted);
        // keys whose vector came from --reuse; keys sent to the engine
        .put("units", all.units())
        // a key of several slices is counted in the first only: distinct over the whole run
        .put(
            "distinct_units",
            all.distinctUnits() < 0 ? -1 : all.distinctUnits() - all.earlierSliceUnits())
        .put("reused_units", all.reusedUnits())
        .put("embedded_units", all.embeddedUnits())
        // keys of a slice that an earlier slice of this run had embedded (--dedupe-scope run)
        .put("earlier_slice_units", all.earlierSliceUnits())
        // the time their lookup took (reading earlier slices' keys, then the found keys' vectors)
        .put("earlier_lookup_seconds", round(all.earlierLookupSeconds()))
        .put("slices", slices)
        .put("slices_resumed", resumed)
        .put("wall_seconds", round(wall))
        .put("slice_seconds", round(all.seconds()))
        .put("graph_seconds", round(all.graphSeconds()))
        // over the time the slices took, so a resumed run is not credited with earlier runs' work
        .put("sentences_per_second", round(all.sentences() / Math.max(all.seconds(), 1e-3)))
        .put("model", s.model())
        .put("output", s.output())
        .put("settings", s.describe())
        // what --reuse of this output checks: every setting that changes a vector
        .put(ReusedOutputs.FINGERPRINT, fingerprint);
  }

  /**
   * Packing happens within a partition, so tiny partitions pack badly; and one task already uses
   * all of an executor's cores through TensorFlow's thread pool. So: about 500 documents per
   * partition, at most 4 per core (for balance and visible progress on large inputs).
   */
  static int autoPartitions(long inputRows, int parallelism) {
    long wanted = (inputRows + 499) / 500;
    return (int) Math.max(1, Math.min(4L * parallelism, wanted));
  }

  private String readFormat() {
    return s.outputFormat().equals("json") ? "json" : s.outputFormat();
  }

  /**
   * Writes one slice's rows, replacing whatever an interrupted attempt at the same slice left, and
   * counts what the commit made visible.
   */
  private long writeAndCount(SparkSession spark, Dataset<Row> df, String base, SliceOutput where) {
    if (s.outputFormat().equals("delta") && where.slices() > 1) {
      // one Delta table, one transaction per slice that replaces exactly that slice's partition
      df.withColumn(SLICE, lit(where.slice()))
          .write()
          .format("delta")
          .mode(SaveMode.Overwrite)
          .partitionBy(SLICE)
          .option("replaceWhere", SLICE + " = " + where.slice())
          .save(base);
      return spark
          .read()
          .format("delta")
          .load(base)
          .where(col(SLICE).equalTo(where.slice()))
          .count();
    }
    df.write().format(s.outputFormat()).mode(SaveMode.Overwrite).save(where.dir(base));
    return spark.read().format(readFormat()).load(where.dir(base)).count();
  }

  private static double round(double v) {
    return Double.isFinite(v) ? Math.round(v * 1000) / 1000.0 : 0;
  }
}
