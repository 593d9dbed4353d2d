package dev.packbert.weights;

import dev.packbert.model.ModelFormatException;
import dev.packbert.onnx.proto.Onnx.AttributeProto;
import dev.packbert.onnx.proto.Onnx.GraphProto;
import dev.packbert.onnx.proto.Onnx.ModelProto;
import dev.packbert.onnx.proto.Onnx.NodeProto;
import dev.packbert.onnx.proto.Onnx.TensorProto;
import dev.packbert.onnx.proto.Onnx.ValueInfoProto;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ONNX model's main graph as the loaders use it ({@link OnnxGraph}: initializers with their
 * values decoded, nodes, graph inputs and outputs), read through {@link OnnxCodec}. Every tensor's
 * data is checked against its shape here, so a broken file fails at read time in one line.
 */
public final class OnnxInitializerReader {
  private OnnxInitializerReader() {}

  public static OnnxGraph read(Path file) {
    return graph(OnnxCodec.read(file), file.toString());
  }

  public static OnnxGraph read(InputStream stream, String source) {
    return graph(OnnxCodec.read(stream, source), source);
  }

  public static OnnxGraph read(byte[] bytes, String source) {
    return graph(OnnxCodec.parse(bytes, source), source);
  }

  private static OnnxGraph graph(ModelProto model, String source) {
    GraphProto g = model.getGraph();
    Map<String, OnnxTensor> inits = new LinkedHashMap<>();
    for (TensorProto t : g.getInitializerList()) {
      if (inits.put(t.getName(), tensor(t, source)) != null) {
        throw new ModelFormatException(source + ": initializer " + t.getName() + " appears twice");
      }
    }
    List<OnnxNode> nodes = new ArrayList<>(g.getNodeCount());
    for (NodeProto n : g.getNodeList()) {
      nodes.add(node(n, source));
    }
    List<String> inputs = new ArrayList<>();
    for (ValueInfoProto v : g.getInputList()) {
      // IR < 4 lists every initializer as a graph input too; callers want the real feeds only
      if (!inits.containsKey(v.getName())) {
        inputs.add(v.getName());
      }
    }
    List<String> outputs = new ArrayList<>();
    for (ValueInfoProto v : g.getOutputList()) {
      outputs.add(v.getName());
    }
    return new OnnxGraph(inits, nodes, inputs, outputs);
  }

  private static OnnxNode node(NodeProto n, String source) {
    Map<String, OnnxTensor> tensorAttrs = new LinkedHashMap<>();
    Map<String, long[]> intAttrs = new LinkedHashMap<>();
    for (AttributeProto a : n.getAttributeList()) {
      if (a.hasT()) {
        tensorAttrs.put(a.getName(), tensor(a.getT(), source));
      } else if (a.getIntsCount() > 0) {
        intAttrs.put(a.getName(), a.getIntsList().stream().mapToLong(Long::longValue).toArray());
      } else if (a.hasI()) {
        intAttrs.put(a.getName(), new long[] {a.getI()});
      }
    }
    return new OnnxNode(
        n.getName(),
        n.getOpType(),
        List.copyOf(n.getInputList()),
        List.copyOf(n.getOutputList()),
        tensorAttrs,
        intAttrs);
  }

  /**
   * Floating types widened to float32, integer types (shape constants) as longs; other types (bool,
   * strings, int8, ...) never hold BERT weights: their shape is kept, their values dropped.
   */
  private static OnnxTensor tensor(TensorProto t, String source) {
    long[] shape = OnnxCodec.shape(t, source);
    if (OnnxCodec.isFloating(t)) {
      return new OnnxTensor(t.getName(), shape, t.getDataType(), OnnxCodec.floats(t, source), null);
    }
    if (OnnxCodec.isInteger(t)) {
      return new OnnxTensor(t.getName(), shape, t.getDataType(), null, OnnxCodec.longs(t, source));
    }
    OnnxCodec.checkOther(t, source);
    return new OnnxTensor(t.getName(), shape, t.getDataType(), null, null);
  }
}
