package dev.packbert.spark;

import dev.packbert.ml.SchemaChecks;
import dev.packbert.model.Pooling;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import org.apache.spark.api.java.function.MapPartitionsFunction;
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
import org.apache.spark.sql.types.StructType;

/**
 * Spark ML stage after {@link BertEmbedder}: one row per input sentence, with the sentence columns
 * a user reads ({@code doc_id, sentence_index, begin, end, text, num_tokens, truncated}, the pooled
 * vectors, {@code error}) and without the packer's bookkeeping. A sentence that the packer split
 * into overlapping windows ({@code --over-length split}) is joined back into one row: its vectors
 * averaged, weighted by each window's token count (normalized again with {@code normalize}), in the
 * partition that holds it (no shuffle); a failed window is kept as its own row with its error.
 */
public class WindowMerger extends Transformer
    implements HasPoolings, HasNormalize, DefaultParamsWritable {
  private static final long serialVersionUID = 1L;

  /** The sentence columns every output row has, before the vectors and the error. */
  public static final List<String> SENTENCE_COLUMNS =
      List.of("doc_id", "sentence_index", "begin", "end", "text", "num_tokens", "truncated");

  private final String uid;
  private final StringArrayParam poolings;
  private final BooleanParam normalize;

  public WindowMerger() {
    this(Identifiable$.MODULE$.randomUID("windowMerger"));
  }

  public WindowMerger(String uid) {
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

  public WindowMerger setPoolings(String... v) {
    set(poolings, v);
    return this;
  }

  public WindowMerger setNormalize(boolean v) {
    set(normalize, v);
    return this;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    for (String c : List.of("part", "num_parts", "length", "error")) {
      SchemaChecks.require(schema, c, "WindowMerger (after BertEmbedder)");
    }
    StructType out = new StructType();
    for (String c : SENTENCE_COLUMNS) {
      SchemaChecks.require(schema, c, "WindowMerger");
      out = out.add(schema.apply(c));
    }
    if (SchemaChecks.has(schema, UnitKeyer.COLUMN)) {
      out = out.add(schema.apply(UnitKeyer.COLUMN));
    }
    for (Pooling p : getPoolings()) {
      SchemaChecks.requireVector(schema, p.column(), "WindowMerger");
      out = out.add(schema.apply(p.column()));
    }
    return out.add(schema.apply("error"));
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType out = transformSchema(dataset.schema());
    StructType in = dataset.schema();
    int[] keep = Arrays.stream(out.fieldNames()).mapToInt(in::fieldIndex).toArray();
    int[] vecCols = getPoolings().stream().mapToInt(p -> in.fieldIndex(p.column())).toArray();
    boolean norm = getNormalize();
    // The packer cuts and packs within a partition, so all windows of a sentence arrive in the
    // partition that holds the sentence: they are joined there, in one pass, with no shuffle and
    // without reading the embedder's output twice.
    return dataset
        .toDF()
        .mapPartitions(
            (MapPartitionsFunction<Row, Row>)
                rows -> new Windows(in, keep, vecCols, norm).merge(rows),
            Encoders.row(out));
  }

  /** The windows of one partition's split sentences, held until each sentence is complete. */
  private static final class Windows {
    private final StructType in;
    private final int[] keep;
    private final int[] vecCols;
    private final boolean normalize;
    private final int docCol;
    private final int indexCol;
    private final int beginCol;
    private final int endCol;
    private final int textCol;
    private final int partCol;
    private final int partsCol;
    private final int lengthCol;
    private final int errorCol;

    /** Sentence key → part → its windows (several where identical documents repeat). */
    private final Map<String, TreeMap<Integer, ArrayDeque<Row>>> open = new LinkedHashMap<>();

    Windows(StructType in, int[] keep, int[] vecCols, boolean normalize) {
      this.in = in;
      this.keep = keep;
      this.vecCols = vecCols;
      this.normalize = normalize;
      docCol = in.fieldIndex("doc_id");
      indexCol = in.fieldIndex("sentence_index");
      beginCol = in.fieldIndex("begin");
      endCol = in.fieldIndex("end");
      textCol = in.fieldIndex("text");
      partCol = in.fieldIndex("part");
      partsCol = in.fieldIndex("num_parts");
      lengthCol = in.fieldIndex("length");
      errorCol = in.fieldIndex("error");
    }

    Iterator<Row> merge(Iterator<Row> rows) {
      List<Row> ready = new ArrayList<>();
      return new Iterator<>() {
        private int next;

        @Override
        public boolean hasNext() {
          while (next >= ready.size() && rows.hasNext()) {
            ready.clear();
            next = 0;
            accept(rows.next(), ready);
          }
          if (next >= ready.size() && !open.isEmpty()) {
            ready.clear();
            next = 0;
            // the windows of a sentence whose other windows failed: merged from what there is
            open.values().forEach(parts -> drain(parts, ready));
            open.clear();
          }
          return next < ready.size();
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          return ready.get(next++);
        }
      };
    }

    private void accept(Row r, List<Row> ready) {
      if (r.getInt(partsCol) <= 1 || !r.isNullAt(errorCol)) {
        ready.add(project(r, null));
        return;
      }
      // Ids are not unique in user data: the span and the text tell two documents with the same
      // id apart; identical duplicates yield every window k times and come out as k rows.
      String key =
          r.getString(docCol)
              + "\u0000"
              + r.getInt(indexCol)
              + "\u0000"
              + r.getInt(beginCol)
              + "\u0000"
              + r.getInt(endCol)
              + "\u0000"
              + r.getString(textCol);
      TreeMap<Integer, ArrayDeque<Row>> parts = open.computeIfAbsent(key, k -> new TreeMap<>());
      parts.computeIfAbsent(r.getInt(partCol), k -> new ArrayDeque<>()).add(r);
      int want = r.getInt(partsCol);
      while (parts.size() == want && parts.values().stream().noneMatch(ArrayDeque::isEmpty)) {
        List<Row> one = new ArrayList<>(want);
        parts.values().forEach(d -> one.add(d.poll()));
        ready.add(merged(one));
        parts.values().removeIf(ArrayDeque::isEmpty);
      }
      if (parts.isEmpty()) {
        open.remove(key);
      }
    }

    private void drain(TreeMap<Integer, ArrayDeque<Row>> parts, List<Row> ready) {
      while (parts.values().stream().anyMatch(d -> !d.isEmpty())) {
        List<Row> some = new ArrayList<>();
        for (ArrayDeque<Row> d : parts.values()) {
          if (!d.isEmpty()) {
            some.add(d.poll());
          }
        }
        ready.add(merged(some));
      }
    }

    /** One row for the windows of a sentence, in part order: vectors weighted by window length. */
    private Row merged(List<Row> windows) {
      float[][] means = PooledColumns.weightedMeans(windows, lengthCol, vecCols, normalize);
      Object[] vectors = new Object[in.size()];
      for (int p = 0; p < vecCols.length; p++) {
        vectors[vecCols[p]] = PooledColumns.cell(means[p], in.fields()[vecCols[p]].dataType());
      }
      return project(windows.get(0), vectors);
    }

    /** The output columns of {@code r}, with {@code vectors} (by input column) where given. */
    private Row project(Row r, Object[] vectors) {
      Object[] cells = new Object[keep.length];
      for (int i = 0; i < keep.length; i++) {
        Object v = vectors == null ? null : vectors[keep[i]];
        cells[i] = v != null ? v : r.get(keep[i]);
      }
      return RowFactory.create(cells);
    }
  }

  @Override
  public WindowMerger copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  public static MLReader<WindowMerger> read() {
    return new DefaultParamsReader<>();
  }

  public static WindowMerger load(String path) {
    return read().load(path);
  }
}
