package dev.packbert.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.packbert.model.BertConfig;
import dev.packbert.model.BertWeights;
import dev.packbert.model.ModelFormatException;
import dev.packbert.model.TensorData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.train.Restore;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * Reads Google BERT weights from a TF checkpoint (a TF1 SavedModel's {@code variables/variables} or
 * a bare {@code model.ckpt}) with the raw RestoreV2 op, so the original graph is never needed.
 *
 * <p>The architecture comes from {@code bert_config.json} when one sits beside the checkpoint;
 * otherwise it is inferred from tensor shapes, with Google's 64-wide heads and Google's tanh GELU
 * (the activation modeling.py and the TF Hub exports use).
 */
public final class GoogleCheckpointLoader {
  private static final List<String> PREFIXES = List.of("bert/", "module/bert/", "");

  private GoogleCheckpointLoader() {}

  /**
   * {@code prefix} is the checkpoint path without {@code .index}, e.g. {@code
   * dir/variables/variables}.
   */
  public static BertWeights load(Path prefix, Path configJson) {
    if (!Files.isRegularFile(Path.of(prefix + ".index"))) {
      throw new ModelFormatException(
          "no TF checkpoint at " + prefix + " (missing " + prefix.getFileName() + ".index)");
    }
    // every tensor's bytes against the index's sizes and crc32c, the unused ones included
    TensorBundleCheck.check(prefix);
    String root = detectRoot(prefix);
    BertConfig config =
        configJson != null && Files.isRegularFile(configJson)
            ? readGoogleConfig(configJson)
            : inferConfig(prefix, root);
    boolean pooler = exists(prefix, root + BertWeights.POOLER + "/kernel");
    List<String> names = new ArrayList<>(BertWeights.expectedShapes(config, pooler).keySet());
    List<String> keys = new ArrayList<>();
    for (String n : names) {
      keys.add(root + n);
    }
    List<float[]> values = new ArrayList<>();
    List<long[]> shapes = new ArrayList<>();
    restore(prefix, keys, values, shapes);
    Map<String, TensorData> tensors = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      tensors.put(names.get(i), new TensorData(names.get(i), shapes.get(i), values.get(i)));
    }
    return new BertWeights(config, tensors).validate();
  }

  /** The architecture alone, without reading the weights (cheap: a few small restores). */
  public static BertConfig config(Path prefix, Path configJson) {
    String root = detectRoot(prefix);
    return configJson != null && Files.isRegularFile(configJson)
        ? readGoogleConfig(configJson)
        : inferConfig(prefix, root);
  }

  private static String detectRoot(Path prefix) {
    for (String p : PREFIXES) {
      try {
        shapeOf(prefix, p + BertWeights.WORD);
        return p;
      } catch (ModelFormatException e) {
        // Only an absent key means "try the next prefix"; a truncated or corrupt checkpoint must be
        // reported as what it is, not as "holds no BERT word embeddings".
        if (!isMissingKey(e)) {
          throw e;
        }
      }
    }
    throw new ModelFormatException(
        "checkpoint "
            + prefix
            + " holds no BERT word embeddings (looked for "
            + PREFIXES.stream().map(p -> p + BertWeights.WORD).toList()
            + ")");
  }

  private static BertConfig inferConfig(Path prefix, String root) {
    long[] word = shapeOf(prefix, root + BertWeights.WORD);
    long[] pos = shapeOf(prefix, root + BertWeights.POSITION);
    long[] type = shapeOf(prefix, root + BertWeights.TOKEN_TYPE);
    long[] inter = shapeOf(prefix, root + BertWeights.layer(0, "intermediate/dense/kernel"));
    int layers = 0;
    while (exists(prefix, root + BertWeights.layer(layers, "output/dense/bias"))) {
      layers++;
    }
    int h = (int) word[1];
    return new BertConfig(
        (int) word[0],
        h,
        layers,
        BertConfig.googleHeadCount(h),
        (int) inter[1],
        (int) pos[0],
        (int) type[0],
        1e-12f,
        BertConfig.GELU_TANH);
  }

  static BertConfig readGoogleConfig(Path json) {
    try {
      JsonNode n = new ObjectMapper().readTree(json.toFile());
      String act = n.path("hidden_act").asText("gelu");
      // In Google's modeling.py "gelu" is the tanh approximation.
      if ("gelu".equals(act)) {
        act = BertConfig.GELU_TANH;
      }
      return new BertConfig(
          req(n, "vocab_size", json),
          req(n, "hidden_size", json),
          req(n, "num_hidden_layers", json),
          req(n, "num_attention_heads", json),
          req(n, "intermediate_size", json),
          req(n, "max_position_embeddings", json),
          n.path("type_vocab_size").asInt(2),
          1e-12f,
          act);
    } catch (IOException e) {
      throw new ModelFormatException("cannot read " + json + ": " + e.getMessage(), e);
    }
  }

  private static int req(JsonNode n, String field, Path file) {
    if (!n.hasNonNull(field) || !n.get(field).canConvertToInt()) {
      throw new ModelFormatException(file + ": field " + field + " is missing or not an integer");
    }
    return n.get(field).asInt();
  }

  private static boolean exists(Path prefix, String key) {
    try {
      shapeOf(prefix, key);
      return true;
    } catch (ModelFormatException e) {
      if (!isMissingKey(e)) {
        throw e;
      }
      return false;
    }
  }

  /**
   * RestoreV2's NOT_FOUND for a key the index does not list (TF Java has no exception class for
   * it).
   */
  private static boolean isMissingKey(ModelFormatException e) {
    String m = String.valueOf(e.getMessage());
    return m.contains("not found in checkpoint");
  }

  private static long[] shapeOf(Path prefix, String key) {
    List<float[]> v = new ArrayList<>();
    List<long[]> s = new ArrayList<>();
    restore(prefix, List.of(key), v, s);
    return s.get(0);
  }

  private static void restore(
      Path prefix, List<String> keys, List<float[]> values, List<long[]> shapes) {
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      List<Class<? extends TType>> types =
          new ArrayList<>(Collections.nCopies(keys.size(), TFloat32.class));
      Restore restore =
          tf.train.restore(
              tf.constant(prefix.toString()),
              tf.constant(NdArrays.vectorOfObjects(keys.toArray(new String[0]))),
              tf.constant(
                  NdArrays.vectorOfObjects(
                      Collections.nCopies(keys.size(), "").toArray(new String[0]))),
              types);
      Session.Runner r = s.runner();
      for (Operand<?> o : restore) {
        r.fetch(o);
      }
      try (Result out = r.run()) {
        for (int i = 0; i < keys.size(); i++) {
          TFloat32 t = (TFloat32) out.get(i);
          values.add(TfTensors.floats(t));
          shapes.add(t.shape().asArray());
        }
      }
    } catch (TensorFlowException e) {
      String msg = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
      throw new ModelFormatException(
          "checkpoint "
              + prefix
              + ": cannot restore "
              + (keys.size() == 1 ? keys.get(0) : keys.size() + " tensors")
              + ": "
              + msg,
          e);
    }
  }
}
