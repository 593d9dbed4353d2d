package dev.packbert.text;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import com.johnsnowlabs.nlp.DocumentAssembler;
import com.johnsnowlabs.nlp.annotators.sbd.pragmatic.SentenceDetector;
import dev.packbert.ml.SchemaChecks;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Spark ML stage: documents in, one row per sentence out (or per document with mode {@link
 * #MODE_NONE}), with character spans into the original text.
 *
 * <p>Output: {@code doc_id} string, {@code sentence_index} int (0-based per document), {@code
 * begin} int, {@code end} int (exclusive), {@code text} string, with {@code
 * originalText.substring(begin, end).equals(text)}. Offsets are Java {@code String} (UTF-16)
 * indices, as in Spark NLP; note that Spark SQL's {@code substring}/{@code length} count code
 * points instead.
 *
 * <p>A document is accepted iff its id is not null and its text contains a non-whitespace
 * character. Rejected documents produce no rows here; {@link #rejected} lists them with a reason so
 * that callers can count them. Every accepted document yields at least one row.
 */
public class SentenceSplitter extends Transformer implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;

  public static final String MODE_SENTENCES = "sentences";
  public static final String MODE_NONE = "none";

  public static final String REASON_NULL_ID = "null_id";
  public static final String REASON_NULL_TEXT = "null_text";

  /**
   * Spark NLP's rule-based detector (Spark NLP's pragmatic rules), as before languages were added.
   */
  public static final String LANGUAGE_EN = "en";

  /**
   * The default: the language of each document from its script (and function words for Latin text);
   * English documents go to Spark NLP's detector as with {@link #LANGUAGE_EN}, so English output is
   * what it was (the same rows on the bundled europarl sample), the others to ICU4J + rules.
   */
  public static final String LANGUAGE_AUTO = LanguageSentenceSplitter.AUTO;

  /** Empty or whitespace-only text. */
  public static final String REASON_EMPTY_TEXT = "empty_text";

  public static final StructType SCHEMA =
      new StructType()
          .add("doc_id", DataTypes.StringType, false)
          .add("sentence_index", DataTypes.IntegerType, false)
          .add("begin", DataTypes.IntegerType, false)
          .add("end", DataTypes.IntegerType, false)
          .add("text", DataTypes.StringType, false);

  public static final StructType REJECTED_SCHEMA =
      new StructType()
          .add("doc_id", DataTypes.StringType, true)
          .add("reason", DataTypes.StringType, false);

  private static final String TEXT = "__text";
  private static final String DOCUMENT = "__document";
  private static final String SENTENCES = "__sentences";

  private final String uid;
  private final Param<String> idCol;
  private final Param<String> textCol;
  private final Param<String> mode;
  private final Param<String> language;

  public SentenceSplitter() {
    this(Identifiable$.MODULE$.randomUID("sentenceSplitter"));
  }

  public SentenceSplitter(String uid) {
    this.uid = uid;
    idCol = new Param<>(this, "idCol", "input column: document id (cast to string)");
    textCol = new Param<>(this, "textCol", "input column: document text (string)");
    mode =
        new Param<>(
            this,
            "mode",
            "sentences (split each document) or none (each document is one unit)",
            ParamValidators.inArray(new String[] {MODE_SENTENCES, MODE_NONE}));
    setDefault(idCol, "id");
    setDefault(textCol, "text");
    language =
        new Param<>(
            this,
            "language",
            "auto (the default: each document's language from its script; English to Spark NLP's"
                + " detector, the others to ICU4J + rules), en (Spark NLP's rule-based detector),"
                + " or another ISO 639-1 code such as zh, ja, ko, hi, ar, ru, de, fr, es, th"
                + " (ICU4J BreakIterator + rules for that language)");
    setDefault(idCol, "id");
    setDefault(textCol, "text");
    setDefault(mode, MODE_SENTENCES);
    setDefault(language, LANGUAGE_AUTO);
  }

  private static final java.util.regex.Pattern LANGUAGE_PATTERN =
      java.util.regex.Pattern.compile("auto|[a-z]{2,3}([-_][A-Za-z0-9]{2,8})*");

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> idCol() {
    return idCol;
  }

  public Param<String> textCol() {
    return textCol;
  }

  public Param<String> mode() {
    return mode;
  }

  public Param<String> language() {
    return language;
  }

  public String getLanguage() {
    return $(language);
  }

  public SentenceSplitter setLanguage(String v) {
    set(language, v);
    return this;
  }

  /** Throws IllegalArgumentException unless {@code language} is auto or a language code. */
  public static String checkLanguage(String language) {
    if (language == null || !LANGUAGE_PATTERN.matcher(language).matches()) {
      throw new IllegalArgumentException(
          "language must be auto or an ISO 639-1 code such as en, zh, de: " + language);
    }
    return language;
  }

  /** True where {@code language} is split by Spark NLP's detector (en, en-GB, ...). */
  public static boolean usesSparkNlp(String language) {
    String l = language.toLowerCase(java.util.Locale.ROOT);
    return l.equals(LANGUAGE_EN) || l.startsWith(LANGUAGE_EN + "-") || l.startsWith("en_");
  }

  public String getIdCol() {
    return $(idCol);
  }

  public String getTextCol() {
    return $(textCol);
  }

  public String getMode() {
    return $(mode);
  }

  public SentenceSplitter setIdCol(String v) {
    set(idCol, v);
    return this;
  }

  public SentenceSplitter setTextCol(String v) {
    set(textCol, v);
    return this;
  }

  public SentenceSplitter setMode(String v) {
    set(mode, v);
    return this;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    SchemaChecks.require(schema, getIdCol(), "SentenceSplitter");
    SchemaChecks.requireString(schema, getTextCol(), "SentenceSplitter");
    checkLanguage(getLanguage());
    return SCHEMA;
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    return split(dataset.toDF(), getIdCol(), getTextCol(), getMode(), getLanguage());
  }

  @Override
  public SentenceSplitter copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  public static MLReader<SentenceSplitter> read() {
    return new DefaultParamsReader<>();
  }

  public static SentenceSplitter load(String path) {
    return read().load(path);
  }

  /**
   * One row per sentence (or per document with {@link #MODE_NONE}) of the accepted documents.
   *
   * @param mode {@link #MODE_SENTENCES} or {@link #MODE_NONE}
   * @param language see {@link #language()}
   */
  static Dataset<Row> split(Dataset<Row> docs, String idCol, String textCol, String mode) {
    return split(docs, idCol, textCol, mode, LANGUAGE_AUTO);
  }

  static Dataset<Row> split(
      Dataset<Row> docs, String idCol, String textCol, String mode, String language) {
    Dataset<Row> accepted =
        docs.where(
                col(idCol)
                    .isNotNull()
                    .and(col(textCol).isNotNull())
                    .and(functions.not(blank(col(textCol)))))
            .select(col(idCol).cast("string").as("doc_id"), col(textCol).as(TEXT));
    return switch (mode) {
      case MODE_NONE ->
          accepted.flatMap(
              (FlatMapFunction<Row, Row>)
                  r -> {
                    String text = r.getString(1);
                    return Collections.singletonList(
                            RowFactory.create(r.getString(0), 0, 0, text.length(), text))
                        .iterator();
                  },
              Encoders.row(SCHEMA));
      case MODE_SENTENCES ->
          usesSparkNlp(language)
              ? sentenceRows(accepted)
              : LANGUAGE_AUTO.equals(language)
                  ? accepted.flatMap(
                      (FlatMapFunction<Row, Row>) SentenceSplitter::autoRows, Encoders.row(SCHEMA))
                  : accepted.flatMap(SentenceSpans.flatMap(language), Encoders.row(SCHEMA));
      default ->
          throw new IllegalArgumentException(
              "mode must be '" + MODE_SENTENCES + "' or '" + MODE_NONE + "': " + mode);
    };
  }

  /** (doc_id, reason) for each document that {@link #split} drops; see the REASON_ constants. */
  public static Dataset<Row> rejected(Dataset<Row> docs, String idCol, String textCol) {
    Column reason =
        when(col(idCol).isNull(), lit(REASON_NULL_ID))
            .when(col(textCol).isNull(), lit(REASON_NULL_TEXT))
            .when(blank(col(textCol)), lit(REASON_EMPTY_TEXT));
    return docs.select(col(idCol).cast("string").as("doc_id"), reason.as("reason"))
        .where(col("reason").isNotNull());
  }

  private static Dataset<Row> sentenceRows(Dataset<Row> accepted) {
    DocumentAssembler assembler = new DocumentAssembler();
    assembler.setInputCol(TEXT);
    assembler.setOutputCol(DOCUMENT);
    // "disabled" (the default, set explicitly because spans depend on it) passes the text through
    // untouched;
    // the other modes rewrite whitespace and would shift every offset after the first change.
    assembler.setCleanupMode("disabled");
    SentenceDetector detector = new SentenceDetector();
    detector.setInputCols(new String[] {DOCUMENT});
    detector.setOutputCol(SENTENCES);
    // one row per sentence is produced below, so the annotator's own explode is not wanted
    detector.setExplodeSentences(false);
    Dataset<Row> annotated =
        new Pipeline()
            .setStages(new PipelineStage[] {assembler, detector})
            .fit(accepted)
            .transform(accepted);
    return annotated
        .select(col("doc_id"), col(TEXT), col(SENTENCES))
        .flatMap(
            (FlatMapFunction<Row, Row>) SentenceSplitter::toSentenceRows, Encoders.row(SCHEMA));
  }

  /**
   * {@link #LANGUAGE_AUTO}: the document's language from its script (and function words for Latin
   * text); English goes to Spark NLP's detector exactly as with {@link #LANGUAGE_EN} (the same
   * annotator, called per document), every other language to ICU4J + rules.
   */
  private static java.util.Iterator<Row> autoRows(Row r) {
    String docId = r.getString(0);
    String text = r.getString(1);
    String lang = LanguageSentenceSplitter.detectLanguage(text);
    if (!usesSparkNlp(lang)) {
      return SentenceSpans.rows(docId, text, lang).iterator();
    }
    List<Integer> spans = new ArrayList<>();
    List<String> results = new ArrayList<>();
    for (com.johnsnowlabs.nlp.Annotation a : SparkNlpDetector.annotate(text)) {
      spans.add(a.begin());
      results.add(a.result());
    }
    return anchor(docId, text, spans, results);
  }

  /** Spark NLP's detector as the stage configures it, one per JVM, applied to one document. */
  static final class SparkNlpDetector {
    private static final SentenceDetector DETECTOR = new SentenceDetector();

    static {
      DETECTOR.setInputCols(new String[] {DOCUMENT});
      DETECTOR.setOutputCol(SENTENCES);
      DETECTOR.setExplodeSentences(false);
    }

    private SparkNlpDetector() {}

    /**
     * What DocumentAssembler (cleanupMode disabled) then SentenceDetector give for {@code text}.
     */
    static List<com.johnsnowlabs.nlp.Annotation> annotate(String text) {
      com.johnsnowlabs.nlp.Annotation doc =
          new com.johnsnowlabs.nlp.Annotation(
              "document",
              0,
              text.length() - 1,
              text,
              scala.collection.JavaConverters.mapAsScalaMapConverter(
                      java.util.Map.of("sentence", "0"))
                  .asScala(),
              new float[0]);
      return scala.collection.JavaConverters.seqAsJavaListConverter(
              DETECTOR.annotate(
                  scala.collection.JavaConverters.asScalaBufferConverter(List.of(doc)).asScala()))
          .asJava();
    }
  }

  /**
   * Annotation (begin, inclusive end, result) → rows with exclusive end, checked against the
   * original text.
   */
  private static java.util.Iterator<Row> toSentenceRows(Row r) {
    List<Row> annotations = r.getList(2);
    List<Integer> spans = new ArrayList<>(annotations.size());
    List<String> results = new ArrayList<>(annotations.size());
    for (Row a : annotations) {
      spans.add(a.<Integer>getAs("begin"));
      results.add(a.getAs("result"));
    }
    return anchor(r.getString(0), r.getString(1), spans, results);
  }

  private static java.util.Iterator<Row> anchor(
      String docId, String text, List<Integer> begins, List<String> results) {
    List<Row> out = new ArrayList<>(begins.size());
    int searchFrom = 0;
    for (int i = 0; i < begins.size(); i++) {
      int begin = begins.get(i);
      String sentence = results.get(i);
      if (sentence == null || sentence.isEmpty()) {
        continue;
      }
      if (!text.startsWith(sentence, begin)) {
        // never seen with cleanupMode=disabled; re-anchor rather than emit a span that lies
        begin = text.indexOf(sentence, searchFrom);
        if (begin < 0) {
          throw new IllegalStateException(
              "sentence not found in document " + docId + ": " + sentence);
        }
      }
      int end = begin + sentence.length();
      out.add(RowFactory.create(docId, out.size(), begin, end, sentence));
      searchFrom = end;
    }
    if (out.isEmpty()) {
      // the detector found nothing in non-blank text: keep the document as one unit rather than
      // lose it
      out.add(RowFactory.create(docId, 0, 0, text.length(), text));
    }
    return out.iterator();
  }

  /** True for text made only of whitespace (Java or Unicode space separators, e.g. NBSP). */
  private static Column blank(Column text) {
    return BLANK.apply(text);
  }

  private static final UserDefinedFunction BLANK =
      functions.udf(
          (org.apache.spark.sql.api.java.UDF1<String, Boolean>)
              s ->
                  s != null
                      && s.codePoints()
                          .allMatch(cp -> Character.isWhitespace(cp) || Character.isSpaceChar(cp)),
          DataTypes.BooleanType);
}
