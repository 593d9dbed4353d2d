package dev.packbert.weights;

import dev.packbert.model.BertConfig;
import dev.packbert.model.BertWeights;
import dev.packbert.model.ModelFormatException;
import dev.packbert.model.TensorData;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.TreeSet;

/**
 * Maps a PyTorch-exported BERT ONNX graph (e.g. sentence-transformers all-MiniLM-L6-v2) to
 * canonical {@link BertWeights}. Exporters keep HF names for biases, LayerNorms and embeddings but
 * fold each Linear weight into an opaquely named MatMul initializer ({@code onnx::MatMul_885});
 * those are identified by the MatMul node that consumes them, whose name carries the module path
 * ({@code /encoder/layer.0/attention/self/query/MatMul}). The config is inferred from shapes and
 * from the graph (head count from the attention Reshape, epsilon from the LayerNorm, gelu from
 * Erf).
 */
public final class OnnxBertLoader {
  /** all-MiniLM-L6-v2's head count (its config.json), used only if the graph does not reveal it. */
  public static final int MINILM_DEFAULT_HEADS = 12;

  public static final String MINILM_RESOURCE = "all-minilm-l6-v2.onnx";
  public static final String MINILM_TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";

  private OnnxBertLoader() {}

  public static BertWeights load(Path onnxFile) {
    return load(OnnxInitializerReader.read(onnxFile), onnxFile.toString(), MINILM_DEFAULT_HEADS);
  }

  /** The all-MiniLM-L6-v2 model bundled in langchain4j's embeddings jar. */
  public static BertWeights loadMiniLmFromClasspath() {
    try (InputStream in =
        OnnxBertLoader.class.getClassLoader().getResourceAsStream(MINILM_RESOURCE)) {
      if (in == null) {
        throw new ModelFormatException("classpath resource " + MINILM_RESOURCE + " not found");
      }
      return load(
          OnnxInitializerReader.read(in, MINILM_RESOURCE), MINILM_RESOURCE, MINILM_DEFAULT_HEADS);
    } catch (java.io.IOException e) {
      throw new ModelFormatException(MINILM_RESOURCE + ": " + e.getMessage(), e);
    }
  }

  public static BertWeights load(OnnxGraph g, String source, int defaultHeads) {
    Map<String, TensorData> byCanonical = new LinkedHashMap<>();
    for (OnnxTensor t : g.initializers().values()) {
      if (!t.isFloating()) {
        continue;
      }
      String hfName = t.name();
      List<OnnxNode> users = g.consumers(t.name());
      String canonical = HfBertNames.canonical(hfName);
      if (canonical == null) {
        // an opaque name: the consuming MatMul/Gemm node is named after the module
        hfName = moduleFromConsumers(users);
        canonical = hfName == null ? null : HfBertNames.canonical(hfName);
      }
      if (canonical == null) {
        continue;
      }
      TensorData data = t.toTensorData(canonical);
      if (HfBertNames.isKernel(canonical) && storedOutIn(users, t.name())) {
        data = data.transpose2d(canonical);
      }
      if (byCanonical.put(canonical, data) != null) {
        throw new ModelFormatException(
            source + ": two initializers map to " + canonical + " (second: " + t.name() + ")");
      }
    }
    BertConfig config = inferConfig(g, byCanonical, source, defaultHeads);
    try {
      return new BertWeights(config, byCanonical).validate();
    } catch (ModelFormatException e) {
      throw new ModelFormatException(source + ": " + e.getMessage(), e);
    }
  }

  /**
   * "/encoder/layer.0/attention/self/query/MatMul" ->
   * "encoder.layer.0.attention.self.query.weight".
   */
  private static String moduleFromConsumers(List<OnnxNode> users) {
    for (OnnxNode n : users) {
      if ((n.opType().equals("MatMul") || n.opType().equals("Gemm")) && n.name().contains("/")) {
        String path = n.name().startsWith("/") ? n.name().substring(1) : n.name();
        int cut = path.lastIndexOf('/');
        if (cut > 0) {
          return path.substring(0, cut).replace('/', '.') + ".weight";
        }
      }
    }
    return null;
  }

  /**
   * A MatMul multiplies by the weight as stored, so it is already [in, out]; a Gemm with transB, or
   * a Transpose in front, means PyTorch's [out, in] layout.
   */
  private static boolean storedOutIn(List<OnnxNode> users, String name) {
    for (OnnxNode n : users) {
      switch (n.opType()) {
        case "MatMul" -> {
          return false;
        }
        case "Gemm" -> {
          long[] tb = n.intAttributes().get("transB");
          boolean isB = n.inputs().size() > 1 && n.inputs().get(1).equals(name);
          return isB && tb != null && tb.length == 1 && tb[0] == 1;
        }
        case "Transpose" -> {
          return true;
        }
        default -> {}
      }
    }
    return false;
  }

  private static BertConfig inferConfig(
      OnnxGraph g, Map<String, TensorData> w, String source, int defaultHeads) {
    long[] word = shapeOf(w, BertWeights.WORD, source);
    long[] pos = shapeOf(w, BertWeights.POSITION, source);
    long[] type = shapeOf(w, BertWeights.TOKEN_TYPE, source);
    long[] inter = shapeOf(w, BertWeights.layer(0, "intermediate/dense/kernel"), source);
    TreeSet<Integer> layers = new TreeSet<>();
    for (String n : w.keySet()) {
      if (n.startsWith("encoder/layer_")) {
        layers.add(
            Integer.parseInt(
                n.substring("encoder/layer_".length(), n.indexOf('/', "encoder/layer_".length()))));
      }
    }
    if (layers.isEmpty() || layers.first() != 0 || layers.last() != layers.size() - 1) {
      throw new ModelFormatException(
          source + ": encoder layers are not numbered 0..n-1: " + layers);
    }
    int hidden = (int) word[1];
    int heads = inferHeads(g, hidden).orElse(defaultHeads);
    float eps = (float) inferEpsilon(g).orElse(1e-12);
    boolean erf =
        g.nodes().stream()
            .anyMatch(n -> n.opType().equals("Erf") && n.name().contains("intermediate"));
    if (!erf) {
      throw new ModelFormatException(
          source + ": the intermediate activation is not erf gelu (no Erf node); not supported");
    }
    return new BertConfig(
        (int) word[0],
        hidden,
        layers.size(),
        heads,
        (int) inter[1],
        (int) pos[0],
        (int) type[0],
        eps,
        "gelu");
  }

  private static long[] shapeOf(Map<String, TensorData> w, String name, String source) {
    TensorData t = w.get(name);
    if (t == null || t.rank() != 2) {
      throw new ModelFormatException(source + ": missing tensor " + name + " (or not 2D)");
    }
    return t.shape();
  }

  /**
   * HF's attention reshapes [B, L, H] to [B, L, heads, head_size] with a shape built by Concat from
   * two dynamic dims and two constants; those constants give the head count.
   */
  static OptionalInt inferHeads(OnnxGraph g, int hidden) {
    for (OnnxNode n : g.nodes()) {
      if (!n.opType().equals("Reshape")
          || !n.name().contains("/attention/self/")
          || n.inputs().size() < 2) {
        continue;
      }
      long[] shape = constantLongs(g, n.inputs().get(1));
      if (shape == null) {
        OnnxNode concat = g.producer(n.inputs().get(1));
        if (concat == null || !concat.opType().equals("Concat") || concat.inputs().size() != 4) {
          continue;
        }
        long[] a = constantLongs(g, concat.inputs().get(2));
        long[] b = constantLongs(g, concat.inputs().get(3));
        if (a == null || b == null || a.length != 1 || b.length != 1) {
          continue;
        }
        shape = new long[] {-1, -1, a[0], b[0]};
      }
      if (shape.length == 4 && shape[2] > 0 && shape[3] > 0 && shape[2] * shape[3] == hidden) {
        return OptionalInt.of((int) shape[2]);
      }
    }
    return OptionalInt.empty();
  }

  /**
   * LayerNorm is exported as ... Add(variance, eps) -> Sqrt; eps is that Add's constant operand.
   */
  static OptionalDouble inferEpsilon(OnnxGraph g) {
    for (OnnxNode n : g.nodes()) {
      if (!n.opType().equals("Sqrt") || !n.name().contains("LayerNorm")) {
        continue;
      }
      OnnxNode add = g.producer(n.inputs().get(0));
      if (add == null || !add.opType().equals("Add")) {
        continue;
      }
      for (String in : add.inputs()) {
        OnnxTensor c = constant(g, in);
        if (c != null && c.isFloating() && c.floats().length == 1) {
          return OptionalDouble.of(c.floats()[0]);
        }
      }
    }
    return OptionalDouble.empty();
  }

  private static OnnxTensor constant(OnnxGraph g, String value) {
    OnnxTensor t = g.initializers().get(value);
    if (t != null) {
      return t;
    }
    OnnxNode p = g.producer(value);
    if (p != null && p.opType().equals("Constant")) {
      return p.tensorAttributes().get("value");
    }
    return null;
  }

  private static long[] constantLongs(OnnxGraph g, String value) {
    OnnxTensor t = constant(g, value);
    return t == null || t.longs() == null ? null : t.longs();
  }
}
