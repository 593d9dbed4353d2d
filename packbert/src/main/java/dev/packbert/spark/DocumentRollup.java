package dev.packbert.spark;

import static org.apache.spark.sql.functions.col;

import dev.packbert.ml.SchemaChecks;
import dev.packbert.model.Pooling;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.MapGroupsFunction;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Spark ML stage: sentence rows in, one row per document out ({@code doc_id}, {@code
 * num_sentences}, one column per pooling, of the input's vector type): the average of the
 * document's sentence vectors weighted by their token counts. For mean pooling this is exactly the
 * mean over all the document's tokens (each token once, in its own sentence's context); using the
 * same weights for cls and pooler keeps long sentences from being outvoted by short fragments such
 * as headings. Rows that failed in the engine (a non-null {@code error}) are left out.
 */
public class DocumentRollup extends Transformer
    implements HasPoolings, HasNormalize, DefaultParamsWritable {
  private static final long serialVersionUID = 1L;
  private final String uid;
  private final StringArrayParam poolings;
  private final BooleanParam normalize;

  public DocumentRollup() {
    this(Identifiable$.MODULE$.randomUID("documentRollup"));
  }

  public DocumentRollup(String uid) {
    this.uid = uid;
    poolings = HasPoolings.poolingsParam(this);
    normalize = HasNormalize.normalizeParam(this);
    setDefault(poolings, new String[] {"mean"});
    setDefault(normalize, false);
  }

  @Override
  public String uid() {
    return uid;
  }

  @Override
  public StringArrayParam poolings() {
    return poolings;
  }

  @Override
  public BooleanParam normalize() {
    return normalize;
  }

  public DocumentRollup setPoolings(String... v) {
    set(poolings, v);
    return this;
  }

  public DocumentRollup setNormalize(boolean v) {
    set(normalize, v);
    return this;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    SchemaChecks.requireString(schema, "doc_id", "DocumentRollup");
    SchemaChecks.requireInt(schema, "num_tokens", "DocumentRollup");
    StructType out =
        new StructType()
            .add("doc_id", DataTypes.StringType, false)
            .add("num_sentences", DataTypes.IntegerType, false);
    if (SchemaChecks.has(schema, UnitKeyer.COLUMN)) {
      // over the sentences' keys in sentence order: a document whose sentences are all reused
      // has a key an earlier output has too
      out = out.add(UnitKeyer.COLUMN, DataTypes.StringType, false);
    }
    for (Pooling p : getPoolings()) {
      SchemaChecks.requireVector(schema, p.column(), "DocumentRollup");
      out = out.add(p.column(), schema.apply(p.column()).dataType(), false);
    }
    return out;
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType out = transformSchema(dataset.schema());
    Dataset<Row> sentences = dataset.toDF();
    if (SchemaChecks.has(sentences.schema(), "error")) {
      sentences = sentences.where(col("error").isNull());
    }
    StructType in = sentences.schema();
    int tokensCol = in.fieldIndex("num_tokens");
    int[] vecCols = getPoolings().stream().mapToInt(p -> in.fieldIndex(p.column())).toArray();
    boolean norm = getNormalize();
    int keyCol = SchemaChecks.has(in, UnitKeyer.COLUMN) ? in.fieldIndex(UnitKeyer.COLUMN) : -1;
    int indexCol = SchemaChecks.has(in, "sentence_index") ? in.fieldIndex("sentence_index") : -1;
    return sentences
        .groupByKey((MapFunction<Row, String>) r -> r.getString(0), Encoders.STRING())
        .mapGroups(
            (MapGroupsFunction<String, Row, Row>)
                (doc, rows) -> rollup(doc, rows, tokensCol, vecCols, norm, out, keyCol, indexCol),
            Encoders.row(out));
  }

  private static Row rollup(
      String doc,
      Iterator<Row> rows,
      int tokensCol,
      int[] vecCols,
      boolean normalize,
      StructType out,
      int keyCol,
      int indexCol) {
    List<Row> all = new ArrayList<>();
    rows.forEachRemaining(all::add);
    float[][] means = PooledColumns.weightedMeans(all, tokensCol, vecCols, normalize);
    int first = keyCol < 0 ? 2 : 3;
    Object[] cells = new Object[first + means.length];
    cells[0] = doc;
    cells[1] = all.size();
    if (keyCol >= 0) {
      List<Row> ordered = new ArrayList<>(all);
      if (indexCol >= 0) {
        ordered.sort(
            java.util.Comparator.comparingInt((Row r) -> r.getInt(indexCol))
                .thenComparing(r -> String.valueOf(r.get(keyCol))));
      }
      cells[2] = UnitKeyer.documentKey(ordered.stream().map(r -> r.getString(keyCol)).toList());
    }
    for (int p = 0; p < means.length; p++) {
      cells[first + p] = PooledColumns.cell(means[p], out.fields()[first + p].dataType());
    }
    return RowFactory.create(cells);
  }

  @Override
  public DocumentRollup copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  public static MLReader<DocumentRollup> read() {
    return new DefaultParamsReader<>();
  }

  public static DocumentRollup load(String path) {
    return read().load(path);
  }
}
