package dev.packbert.spark;

import dev.packbert.ml.SchemaChecks;
import dev.packbert.model.Pooling;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Spark ML stage, last: the pooled {@code array<float>} columns as they are ({@code array}), or as
 * {@code org.apache.spark.ml.linalg.Vector} columns ({@code ml}: VectorUDT, the type KMeans, LSH
 * and Spark ML's other estimators take). The stages before it work on arrays either way.
 */
public class VectorConverter extends Transformer implements HasPoolings, DefaultParamsWritable {
  private static final long serialVersionUID = 1L;
  public static final String ARRAY = "array";
  public static final String ML = "ml";

  private final String uid;
  private final StringArrayParam poolings;
  private final Param<String> vectorType;

  public VectorConverter() {
    this(Identifiable$.MODULE$.randomUID("vectorConverter"));
  }

  public VectorConverter(String uid) {
    this.uid = uid;
    poolings = HasPoolings.poolingsParam(this);
    vectorType =
        new Param<>(
            this,
            "vectorType",
            "array (array<float>) or ml (org.apache.spark.ml.linalg.Vector, for Spark ML estimators)",
            ParamValidators.inArray(new String[] {ARRAY, ML}));
    setDefault(poolings, new String[] {"mean"});
    setDefault(vectorType, ARRAY);
  }

  @Override
  public String uid() {
    return uid;
  }

  @Override
  public StringArrayParam poolings() {
    return poolings;
  }

  public Param<String> vectorType() {
    return vectorType;
  }

  public String getVectorType() {
    return $(vectorType);
  }

  public VectorConverter setPoolings(String... v) {
    set(poolings, v);
    return this;
  }

  public VectorConverter setVectorType(String v) {
    set(vectorType, v);
    return this;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    StructType out = schema;
    for (Pooling p : getPoolings()) {
      SchemaChecks.requireVector(schema, p.column(), "VectorConverter");
      if (getVectorType().equals(ML)) {
        out = replace(out, p.column());
      }
    }
    return out;
  }

  private static StructType replace(StructType schema, String column) {
    StructType out = new StructType();
    for (var f : schema.fields()) {
      out =
          f.name().equals(column)
              ? out.add(column, SQLDataTypes.VectorType(), f.nullable())
              : out.add(f);
    }
    return out;
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    Dataset<Row> out = dataset.toDF();
    if (!getVectorType().equals(ML)) {
      return out;
    }
    for (Pooling p : getPoolings()) {
      if (!PooledColumns.isMlVector(out.schema().apply(p.column()).dataType())) {
        out =
            out.withColumn(
                p.column(), org.apache.spark.ml.functions.array_to_vector(out.col(p.column())));
      }
    }
    return out;
  }

  @Override
  public VectorConverter copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  public static MLReader<VectorConverter> read() {
    return new DefaultParamsReader<>();
  }

  public static VectorConverter load(String path) {
    return read().load(path);
  }
}
