package dev.packbert.bench;

import dev.packbert.onnx.proto.Onnx.GraphProto;
import dev.packbert.onnx.proto.Onnx.ModelProto;
import dev.packbert.onnx.proto.Onnx.NodeProto;
import dev.packbert.onnx.proto.Onnx.ValueInfoProto;
import dev.packbert.weights.OnnxCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Renames one value of an ONNX graph (a graph output, the node output that produces it and any node
 * input that reads it), through PackBERT's ONNX codec: the langchain4j MiniLM calls its hidden
 * states {@code output_0}, Spark NLP's BERT reads only {@code last_hidden_state}. The weights are
 * not copied: the rewritten model's initializers alias the file's bytes.
 */
public final class OnnxOutputRenamer {
  private OnnxOutputRenamer() {}

  /**
   * Returns how many references were renamed (0 means the name was not found: the caller should
   * stop).
   */
  public static int rename(Path in, Path out, String from, String to) throws IOException {
    ModelProto model = OnnxCodec.read(in);
    int renamed = 0;
    GraphProto.Builder g = model.getGraph().toBuilder();
    for (NodeProto.Builder n : g.getNodeBuilderList()) {
      renamed += replace(n.getInputList(), from, to, n::setInput);
      renamed += replace(n.getOutputList(), from, to, n::setOutput);
    }
    for (ValueInfoProto.Builder v : g.getOutputBuilderList()) {
      if (v.getName().equals(from)) {
        v.setName(to);
        renamed++;
      }
    }
    try (OutputStream o = Files.newOutputStream(out)) {
      model.toBuilder().setGraph(g).build().writeTo(o);
    }
    return renamed;
  }

  private interface Setter {
    Object set(int index, String value);
  }

  private static int replace(List<String> values, String from, String to, Setter setter) {
    int n = 0;
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i).equals(from)) {
        setter.set(i, to);
        n++;
      }
    }
    return n;
  }
}
