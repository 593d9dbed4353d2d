package dev.packbert.weights;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The parts of an ONNX ModelProto's main graph that the loaders use. */
public record OnnxGraph(
    Map<String, OnnxTensor> initializers,
    List<OnnxNode> nodes,
    List<String> inputs,
    List<String> outputs) {

  /** Nodes that read {@code value} (an initializer or another node's output). */
  public List<OnnxNode> consumers(String value) {
    List<OnnxNode> out = new ArrayList<>();
    for (OnnxNode n : nodes) {
      if (n.inputs().contains(value)) {
        out.add(n);
      }
    }
    return out;
  }

  /** The node that writes {@code value}, or null for graph inputs and initializers. */
  public OnnxNode producer(String value) {
    for (OnnxNode n : nodes) {
      if (n.outputs().contains(value)) {
        return n;
      }
    }
    return null;
  }
}
