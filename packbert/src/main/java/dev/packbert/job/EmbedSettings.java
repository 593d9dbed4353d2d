package dev.packbert.job;

import com.typesafe.config.Config;
import dev.packbert.model.EngineKind;
import dev.packbert.model.Pooling;
import dev.packbert.model.Precision;
import dev.packbert.spark.EmbeddingPipeline;
import dev.packbert.weights.ModelDefaults;
import dev.packbert.weights.ResolvedModel;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Every setting of one embedding run, validated before Spark starts. */
record EmbedSettings(
    String input,
    String output,
    String inputFormat,
    String idCol,
    boolean idColGiven,
    String textCol,
    String outputFormat,
    String model,
    String split,
    String language,
    String unit,
    EnumSet<Pooling> poolings,
    int maxSeqLength,
    String packing,
    boolean narrowRows,
    int tokensPerBatch,
    Precision precision,
    EngineKind engine,
    String master,
    Map<String, String> sparkConf,
    String scope,
    String overLength,
    int splitStride,
    int window,
    int maxSentencesPerRow,
    int partitions,
    int progressSeconds,
    boolean normalize,
    String prefix,
    String vectorType,
    ResolvedModel resolvedModel,
    long sliceDocuments,
    boolean resume,
    boolean dedupe,
    String dedupeScope,
    List<String> reuse) {

  /** Where neither flag, config nor the model says: plain BERT's pooling. */
  static final String FALLBACK_POOLING = "mean";

  static EmbedSettings from(EmbedCommand c, Config conf) {
    String inputFormat = or(c.inputFormat, conf.getString("input-format"));
    if (inputFormat == null || inputFormat.isEmpty()) {
      inputFormat = formatFromExtension(c.input);
    }
    Map<String, String> spark = new LinkedHashMap<>(JobConfig.sparkSettings(conf));
    for (String kv : c.conf) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new UserError("--conf " + kv + ": expected key=value");
      }
      spark.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
    }
    String model = or(c.model, conf.getString("model"));
    ResolvedModel resolved = resolve(model, spark);
    ModelDefaults own = resolved.defaults();
    String pooling = firstGiven(c.pooling, conf.getString("pooling"));
    String normalize =
        firstGiven(
            c.normalize == null ? null : c.normalize.toString(), conf.getString("normalize"));
    int maxSeqLength =
        c.maxSeqLength != null && c.maxSeqLength > 0
            ? c.maxSeqLength
            : conf.getInt("max-seq-length");
    EmbedSettings s =
        new EmbedSettings(
            c.input,
            c.output,
            inputFormat,
            or(c.idCol, conf.getString("id-col")),
            c.idCol != null,
            or(c.textCol, conf.getString("text-col")),
            or(c.outputFormat, conf.getString("output-format")),
            model,
            or(c.split, conf.getString("split")),
            or(c.language, conf.getString("language")),
            or(c.unit, conf.getString("unit")),
            pooling != null
                ? parsePoolings(pooling)
                : own.pooling() != null ? own.pooling() : parsePoolings(FALLBACK_POOLING),
            maxSeqLength > 0 ? maxSeqLength : EmbeddingPipeline.defaultMaxSeqLength(resolved),
            or(c.packing, conf.getString("packing")),
            c.narrowRows != null ? c.narrowRows : conf.getBoolean("narrow-rows"),
            c.tokensPerBatch != null ? c.tokensPerBatch : conf.getInt("tokens-per-batch"),
            parsePrecision(or(c.precision, conf.getString("precision"))),
            parseEngine(or(c.engine, conf.getString("engine"))),
            or(c.master, conf.getString("master")),
            spark,
            or(c.scope, conf.getString("scope")),
            or(c.overLength, conf.getString("over-length")),
            conf.getInt("split-stride"),
            conf.getInt("window"),
            conf.getInt("max-sentences-per-row"),
            c.partitions != null ? c.partitions : conf.getInt("partitions"),
            conf.getInt("progress-seconds"),
            normalize != null
                ? parseBoolean("--normalize", normalize)
                : Boolean.TRUE.equals(own.normalize()),
            or(c.prefix, conf.getString("prefix")),
            or(c.vectorType, conf.getString("vector-type")),
            resolved,
            c.sliceDocuments != null ? c.sliceDocuments : conf.getLong("slice-documents"),
            c.resume,
            c.dedupe,
            or(c.dedupeScope, conf.getString("dedupe-scope")),
            List.copyOf(c.reuse));
    s.check();
    return s;
  }

  private void check() {
    oneOf("--input-format", inputFormat, List.of("text", "jsonl", "parquet", "csv"));
    oneOf("--output-format", outputFormat, List.of("parquet", "json", "delta"));
    oneOf("--split", split, List.of("sentences", "none"));
    try {
      dev.packbert.text.SentenceSplitter.checkLanguage(language);
    } catch (IllegalArgumentException e) {
      throw new UserError("--language '" + language + "': expected auto or a code such as en, zh");
    }
    oneOf("--unit", unit, List.of("sentence", "document", "both"));
    oneOf("--packing", packing, List.of("spfhp", "lpfhp", "ffd", "none"));
    oneOf("--scope", scope, List.of("partition", "document"));
    oneOf("--over-length", overLength, List.of("truncate", "split"));
    oneOf("--vector-type", vectorType, List.of("array", "ml"));
    oneOf("--dedupe-scope", dedupeScope, List.of("run", "slice"));
    if (maxSeqLength > resolvedModel.config().maxPositions()) {
      throw new UserError(
          "--max-seq-length "
              + maxSeqLength
              + " exceeds the model's "
              + resolvedModel.config().maxPositions()
              + " positions");
    }
    if (maxSeqLength < 8) {
      throw new UserError("--max-seq-length " + maxSeqLength + " is too small (minimum 8)");
    }
    if (tokensPerBatch < maxSeqLength) {
      throw new UserError(
          "--tokens-per-batch "
              + tokensPerBatch
              + " must be at least --max-seq-length "
              + maxSeqLength);
    }
    try {
      precision.requireEngine(engine);
    } catch (IllegalArgumentException e) {
      throw new UserError("--" + e.getMessage().replace("engine ", "--engine "));
    }
    if (partitions < 0) {
      throw new UserError("--partitions must be ≥ 0");
    }
    if (sliceDocuments < 0) {
      throw new UserError("--slice-documents must be ≥ 0");
    }
    if (splitStride >= maxSeqLength - 2) {
      throw new UserError("split-stride " + splitStride + " must be below --max-seq-length - 2");
    }
  }

  boolean sentenceOutput() {
    return !unit.equals("document");
  }

  boolean documentOutput() {
    return !unit.equals("sentence");
  }

  private static void oneOf(String flag, String value, List<String> allowed) {
    if (!allowed.contains(value)) {
      throw new UserError(flag + " '" + value + "' is not one of " + String.join(", ", allowed));
    }
  }

  private static EnumSet<Pooling> parsePoolings(String csv) {
    try {
      return Pooling.parseList(csv);
    } catch (IllegalArgumentException e) {
      throw new UserError("--pooling: " + e.getMessage());
    }
  }

  private static EngineKind parseEngine(String e) {
    try {
      return EngineKind.parse(e).requireAvailable();
    } catch (IllegalArgumentException ex) {
      throw new UserError("--engine: " + ex.getMessage());
    }
  }

  private static Precision parsePrecision(String p) {
    try {
      return Precision.parse(p);
    } catch (IllegalArgumentException e) {
      throw new UserError("--precision: " + e.getMessage());
    }
  }

  static String formatFromExtension(String path) {
    String p = path.toLowerCase(Locale.ROOT).replaceAll("/+$", "");
    p = p.replaceAll("\\.(gz|bz2|snappy|zst|lz4)$", "");
    if (p.endsWith(".jsonl") || p.endsWith(".json") || p.endsWith(".ndjson")) {
      return "jsonl";
    }
    if (p.endsWith(".parquet")) {
      return "parquet";
    }
    if (p.endsWith(".csv")) {
      return "csv";
    }
    if (p.endsWith(".txt") || p.endsWith(".text")) {
      return "text";
    }
    throw new UserError(
        "cannot tell the format of "
            + path
            + " from its name; pass --input-format text|jsonl|parquet|csv");
  }

  /**
   * The model, looked up once, before Spark starts: a missing, broken or unsupported model, or one
   * whose vocabulary does not fit its weights, is one line here.
   */
  private static ResolvedModel resolve(String model, Map<String, String> sparkConf) {
    try {
      return ResolvedModel.of(model, sparkConf);
    } catch (dev.packbert.model.ModelFormatException e) {
      throw new UserError("--model " + model + ": " + e.getMessage());
    }
  }

  /** What the model itself says about how it is meant to be used. */
  ModelDefaults modelDefaults() {
    return resolvedModel.defaults();
  }

  /** The flag if given, else the config's value unless it is empty (empty = the model decides). */
  private static String firstGiven(String flag, String conf) {
    if (flag != null) {
      return flag;
    }
    return conf == null || conf.isBlank() ? null : conf;
  }

  private static boolean parseBoolean(String flag, String v) {
    return switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw new UserError(flag + " '" + v + "' is not true or false");
    };
  }

  private static String or(String flag, String conf) {
    return flag != null ? flag : conf;
  }

  Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("input", input);
    m.put("output", output);
    m.put("input_format", inputFormat);
    m.put("output_format", outputFormat);
    m.put("split", split);
    m.put("language", language);
    m.put("unit", unit);
    m.put("pooling", poolings.stream().map(Pooling::column).toList());
    m.put("normalize", normalize);
    m.put("prefix", prefix);
    m.put("vector_type", vectorType);
    m.put("max_seq_length", maxSeqLength);
    m.put("packing", packing);
    m.put("narrow_rows", narrowRows);
    m.put("scope", scope);
    m.put("over_length", overLength);
    m.put("tokens_per_batch", tokensPerBatch);
    m.put("precision", precision.name().toLowerCase(Locale.ROOT));
    m.put("engine", engine.label());
    m.put("master", master);
    m.put("dedupe", dedupe);
    m.put("dedupe_scope", dedupeScope);
    m.put("reuse", reuse);
    return m;
  }
}
