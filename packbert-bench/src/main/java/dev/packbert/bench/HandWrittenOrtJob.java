package dev.packbert.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.packbert.pack.OverLength;
import dev.packbert.text.BertTokenizer;
import dev.packbert.text.Vocabulary;
import dev.packbert.weights.ModelVocabulary;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The strongest job a careful user writes by hand with ONNX Runtime: mapPartitions over the
 * sentences, one OrtSession per executor JVM (ALL_OPT, intra-op threads = cores per task), each
 * partition sorted by length, batches padded to their longest (sentence-transformers' encode()),
 * the model's pooling (mean under the attention mask, or the [CLS] token's vector), partition order
 * restored. Same .onnx and the same WordPiece ids as PackBERT (clipped to 128 tokens as every row
 * of the bench).
 */
public final class HandWrittenOrtJob implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  public static final StructType OUTPUT =
      new StructType()
          .add("idx", DataTypes.IntegerType)
          .add("vector", DataTypes.createArrayType(DataTypes.FloatType, false));

  private final String modelDir;
  private final String onnx;
  private final int intraOpThreads;
  private final int batchSize;
  private final boolean cls;

  /** {@code cls}: the [CLS] token's vector (BGE's pooling) instead of the mean. */
  public HandWrittenOrtJob(Path modelDir, int intraOpThreads, int batchSize, boolean cls) {
    this(modelDir, modelDir.resolve("model.onnx"), intraOpThreads, batchSize, cls);
  }

  /**
   * On another .onnx of the same model ({@code onnx}, e.g. langchain4j's quantized copy); the
   * vocabulary still comes from {@code modelDir}.
   */
  public HandWrittenOrtJob(
      Path modelDir, Path onnx, int intraOpThreads, int batchSize, boolean cls) {
    this.modelDir = modelDir.toString();
    this.onnx = onnx.toString();
    this.intraOpThreads = intraOpThreads;
    this.batchSize = batchSize;
    this.cls = cls;
  }

  /** Sentences in ({@code idx}, {@code text}), vectors out ({@code idx}, {@code vector}). */
  public Dataset<Row> transform(Dataset<Row> sentences) {
    return sentences.select("idx", "text").mapPartitions(this, Encoders.row(OUTPUT));
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) throws Exception {
    Executor ex = Executor.get(modelDir, onnx, intraOpThreads);
    List<Integer> ids = new ArrayList<>();
    List<int[]> tokens = new ArrayList<>();
    while (rows.hasNext()) {
      Row r = rows.next();
      ids.add(r.getInt(0));
      String text = r.isNullAt(1) ? "" : r.getString(1);
      tokens.add(OverLength.truncate(ex.tokenizer.encode(text), BenchCorpus.MAX_TOKENS));
    }
    float[][] vectors = sorted(ex, tokens);
    List<Row> out = new ArrayList<>(vectors.length);
    for (int i = 0; i < vectors.length; i++) {
      out.add(RowFactory.create(ids.get(i), vectors[i]));
    }
    return out.iterator();
  }

  /**
   * The vectors of {@code tokens} (ids as {@link BenchCorpus#tokenize} gives them), in their order,
   * as the job computes a partition: sorted by length, batches of batchSize padded to their
   * longest. With batchSize 1, each sentence alone.
   */
  public float[][] embed(List<int[]> tokens) throws OrtException {
    return sorted(Executor.get(modelDir, onnx, intraOpThreads), tokens);
  }

  private float[][] sorted(Executor ex, List<int[]> tokens) throws OrtException {
    Integer[] order = new Integer[tokens.size()];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingInt(i -> tokens.get(i).length));
    float[][] vectors = new float[tokens.size()][];
    for (int start = 0; start < order.length; start += batchSize) {
      Integer[] batch = Arrays.copyOfRange(order, start, Math.min(order.length, start + batchSize));
      float[][] pooled = ex.embed(batch, tokens, cls);
      for (int k = 0; k < batch.length; k++) {
        vectors[batch[k]] = pooled[k];
      }
    }
    return vectors;
  }

  /**
   * One session and tokenizer per model per executor JVM, shared by its tasks (OrtSession is
   * thread-safe).
   */
  private static final class Executor {
    private static final Map<String, Executor> BY_MODEL = new HashMap<>();

    final OrtEnvironment env = OrtEnvironment.getEnvironment();
    final OrtSession session;
    final BertTokenizer tokenizer;
    final boolean tokenTypes;

    private Executor(String dir, String onnx, int threads) throws OrtException {
      ModelVocabulary mv = ModelVocabulary.read(Path.of(dir));
      tokenizer = new BertTokenizer(Vocabulary.of(mv.tokens()), mv.lowerCase());
      try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        o.setIntraOpNumThreads(threads);
        o.setInterOpNumThreads(1);
        session = env.createSession(onnx, o);
      }
      tokenTypes = session.getInputNames().contains("token_type_ids");
      Runtime.getRuntime().addShutdownHook(new Thread(this::close));
    }

    static synchronized Executor get(String dir, String onnx, int threads) throws OrtException {
      String key = onnx + "#" + threads;
      Executor e = BY_MODEL.get(key);
      if (e == null) {
        e = new Executor(dir, onnx, threads);
        BY_MODEL.put(key, e);
      }
      return e;
    }

    private void close() {
      try {
        session.close();
      } catch (OrtException e) {
        // the JVM is going down; nothing is left to release it for
      }
    }

    /** Mean-pooled (or [CLS]) vectors of the sentences {@code batch} (indices into tokens). */
    float[][] embed(Integer[] batch, List<int[]> tokens, boolean cls) throws OrtException {
      int width = 0;
      for (int i : batch) {
        width = Math.max(width, tokens.get(i).length);
      }
      long[][] inputIds = new long[batch.length][width];
      long[][] mask = new long[batch.length][width];
      for (int k = 0; k < batch.length; k++) {
        int[] t = tokens.get(batch[k]);
        for (int j = 0; j < t.length; j++) {
          inputIds[k][j] = t[j];
          mask[k][j] = 1;
        }
      }
      Map<String, OnnxTensor> in = new HashMap<>();
      try (OnnxTensor ids = OnnxTensor.createTensor(env, inputIds);
          OnnxTensor am = OnnxTensor.createTensor(env, mask);
          OnnxTensor tt =
              tokenTypes ? OnnxTensor.createTensor(env, new long[batch.length][width]) : null) {
        in.put("input_ids", ids);
        in.put("attention_mask", am);
        if (tt != null) {
          in.put("token_type_ids", tt);
        }
        try (OrtSession.Result r = session.run(in)) {
          float[][][] hidden = (float[][][]) r.get(0).getValue();
          float[][] out = new float[batch.length][];
          for (int k = 0; k < batch.length; k++) {
            if (cls) {
              out[k] = hidden[k][0];
              continue;
            }
            int n = tokens.get(batch[k]).length;
            float[] v = new float[hidden[k][0].length];
            for (int j = 0; j < n; j++) {
              for (int d = 0; d < v.length; d++) {
                v[d] += hidden[k][j][d];
              }
            }
            for (int d = 0; d < v.length; d++) {
              v[d] /= n;
            }
            out[k] = v;
          }
          return out;
        }
      }
    }
  }
}
