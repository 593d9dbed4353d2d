package dev.packbert.spark;

import dev.packbert.model.Pooling;
import dev.packbert.pack.SentencePacker;
import dev.packbert.text.SentenceSplitter;
import dev.packbert.text.WordPieceTokenizerStage;
import dev.packbert.weights.ResolvedModel;
import java.util.Set;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;

/**
 * The stages of {@code packbert embed}, in the order the data flows, wired for one model: split →
 * tokenize → pack → embed (mask, engine, pooling, normalization, unpack) → merge over-length
 * windows → (document rollup) → vector type. What depends on the model (vocabulary, casing, the
 * model itself) and what several stages must agree on (the pooled columns, normalization) is set
 * here once; everything else is set on the stages themselves ({@link #packer()}{@code
 * .setMaxSeqLength(256)}, ...). The job runs exactly these stages, so a user's {@link #sentences()}
 * pipeline gives the rows the CLI writes.
 */
public final class EmbeddingPipeline {
  /** The row length where the model allows it (sentences over it are truncated, and counted). */
  public static final int DEFAULT_MAX_SEQ_LENGTH = 128;

  private final SentenceSplitter splitter = new SentenceSplitter();
  private final WordPieceTokenizerStage tokenizer = new WordPieceTokenizerStage();
  private final SentencePacker packer = new SentencePacker();
  private final BertEmbedder embedder = new BertEmbedder();
  private final WindowMerger merger = new WindowMerger();
  private final DocumentRollup rollup = new DocumentRollup();
  private final VectorConverter vectors = new VectorConverter();

  /**
   * @param poolings the vector columns to produce
   * @param normalize whether vectors are L2-normalized (sentence vectors, and again after averaging
   *     windows or sentences)
   */
  public EmbeddingPipeline(ResolvedModel model, Set<Pooling> poolings, boolean normalize) {
    String[] columns = poolings.stream().map(Pooling::column).toArray(String[]::new);
    tokenizer
        .setVocab(model.vocabulary().tokens().toArray(new String[0]))
        .setLowerCase(model.lowerCase());
    embedder.setModel(model).setPoolings(columns).setNormalize(normalize);
    merger.setPoolings(columns).setNormalize(normalize);
    rollup.setPoolings(columns).setNormalize(normalize);
    vectors.setPoolings(columns);
    packer.setMaxSeqLength(defaultMaxSeqLength(model)).setAlgorithm("lpfhp").setNarrowRows(true);
  }

  /**
   * 128, or the model's own maximum length where that is shorter. Not the model's length where it
   * is longer: in PackBERT it is also the row length, and rows of 512 embedded bge-small half as
   * fast as rows of 128 (README); sentences over 128 tokens are rare, and are flagged {@code
   * truncated} and counted. {@code setMaxSeqLength(512)} truncates where sentence-transformers
   * does.
   */
  public static int defaultMaxSeqLength(ResolvedModel model) {
    Integer own = model.defaults().maxSeqLength();
    int positions = model.config().maxPositions();
    return Math.min(
        own == null ? DEFAULT_MAX_SEQ_LENGTH : Math.min(DEFAULT_MAX_SEQ_LENGTH, own), positions);
  }

  /** The model's own pooling and normalization (else mean, not normalized). */
  public static EmbeddingPipeline forModel(ResolvedModel model) {
    Set<Pooling> own = model.defaults().pooling();
    return new EmbeddingPipeline(
        model,
        own != null ? own : Set.of(Pooling.MEAN),
        Boolean.TRUE.equals(model.defaults().normalize()));
  }

  public SentenceSplitter splitter() {
    return splitter;
  }

  public WordPieceTokenizerStage tokenizer() {
    return tokenizer;
  }

  public SentencePacker packer() {
    return packer;
  }

  public BertEmbedder embedder() {
    return embedder;
  }

  public WindowMerger merger() {
    return merger;
  }

  public DocumentRollup rollup() {
    return rollup;
  }

  public VectorConverter vectors() {
    return vectors;
  }

  /** Documents in, one row per sentence out (failed sentences with their {@code error}). */
  public Pipeline sentences() {
    return new Pipeline()
        .setStages(new PipelineStage[] {splitter, tokenizer, packer, embedder, merger, vectors});
  }

  /** Documents in, one row per document out. */
  public Pipeline documents() {
    return new Pipeline()
        .setStages(
            new PipelineStage[] {splitter, tokenizer, packer, embedder, merger, rollup, vectors});
  }

  /** The stages up to the merged sentence rows, before any rollup or vector conversion. */
  public Pipeline embedded() {
    return new Pipeline()
        .setStages(new PipelineStage[] {splitter, tokenizer, packer, embedder, merger});
  }
}
