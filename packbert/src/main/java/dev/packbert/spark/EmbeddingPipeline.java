package dev.packbert.spark;

import dev.packbert.model.Pooling;
import dev.packbert.pack.SentencePacker;
import dev.packbert.text.SentenceSplitter;
import dev.packbert.text.WordPieceTokenizerStage;
import dev.packbert.weights.ResolvedModel;
import java.util.LinkedHashMap;
import java.util.Map;
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
  private final UnitKeyer keyer = new UnitKeyer();
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
  private final ResolvedModel model;

  public EmbeddingPipeline(ResolvedModel model, Set<Pooling> poolings, boolean normalize) {
    this.model = model;
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

  public UnitKeyer keyer() {
    return keyer;
  }

  /**
   * Everything that changes a vector for the same token ids, as set on the stages now: the weights'
   * digest (content, not name or path), pooling, normalization, precision, engine, maximum length,
   * over-length handling and, for split sentences, the window and stride. Outputs made under
   * different fingerprints never share vectors. Reads the weights once (then cached).
   */
  public Map<String, String> fingerprint() {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("key_format", "sha256-128/v1");
    f.put("weights_sha256", model.weightsDigest());
    f.put(
        "pooling", String.join(",", embedder.getPoolings().stream().map(Pooling::column).toList()));
    f.put("normalize", String.valueOf(embedder.getNormalize()));
    f.put("precision", embedder.getPrecision().label());
    f.put("engine", embedder.getEngine().label());
    f.put("max_seq_length", String.valueOf(packer.getMaxSeqLength()));
    f.put("over_length", packer.getOverLength());
    if (packer.getOverLength().equals("split")) {
      f.put("split_window", String.valueOf(packer.getMaxSeqLength() - 2));
      f.put("split_stride", String.valueOf(packer.getSplitStride()));
    }
    return f;
  }

  /** One line per fingerprint component, as the keyer's salt. */
  static String canonical(Map<String, String> fingerprint) {
    StringBuilder b = new StringBuilder();
    fingerprint.forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
    return b.toString();
  }

  /** SHA-256 hex of a string: the fingerprint's digest. */
  public static String digestHex(String s) {
    java.security.MessageDigest sha = UnitKeyer.sha256();
    return java.util.HexFormat.of()
        .formatHex(sha.digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  /** Sets the keyer from the other stages' current settings (done by every pipeline built here). */
  public UnitKeyer syncKeyer() {
    return keyer
        .setFingerprint(canonical(fingerprint()))
        .setMaxSeqLength(packer.getMaxSeqLength())
        .setOverLength(packer.getOverLength());
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
    syncKeyer();
    return new Pipeline()
        .setStages(
            new PipelineStage[] {splitter, tokenizer, keyer, packer, embedder, merger, vectors});
  }

  /** Documents in, one row per document out. */
  public Pipeline documents() {
    syncKeyer();
    return new Pipeline()
        .setStages(
            new PipelineStage[] {
              splitter, tokenizer, keyer, packer, embedder, merger, rollup, vectors
            });
  }

  /** The stages up to the merged sentence rows, before any rollup or vector conversion. */
  public Pipeline embedded() {
    syncKeyer();
    return new Pipeline()
        .setStages(new PipelineStage[] {splitter, tokenizer, keyer, packer, embedder, merger});
  }

  /** Documents in, one row per sentence with its token ids and {@code unit_key}, not embedded. */
  public Pipeline keyed() {
    syncKeyer();
    return new Pipeline().setStages(new PipelineStage[] {splitter, tokenizer, keyer});
  }

  /** {@link #keyed()}'s rows in, merged sentence rows out: pack → embed → merge windows. */
  public Pipeline embedKeyed() {
    return new Pipeline().setStages(new PipelineStage[] {packer, embedder, merger});
  }
}
