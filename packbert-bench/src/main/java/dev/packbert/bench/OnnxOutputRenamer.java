package dev.packbert.bench;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Renames one value of an ONNX graph (a graph output, the node output that produces it and any node
 * input that reads it) by editing the protobuf wire format directly, with no ONNX classes: the
 * langchain4j MiniLM calls its hidden states {@code output_0}, Spark NLP's BERT reads only {@code
 * last_hidden_state}. Field numbers from onnx.proto: ModelProto.graph = 7; GraphProto.node = 1,
 * GraphProto.output = 12; NodeProto.input = 1, NodeProto.output = 2; ValueInfoProto.name = 1.
 */
public final class OnnxOutputRenamer {
  static final int MODEL_GRAPH = 7;
  static final int GRAPH_NODE = 1;
  static final int GRAPH_OUTPUT = 12;
  static final int NODE_INPUT = 1;
  static final int NODE_OUTPUT = 2;
  static final int VALUE_INFO_NAME = 1;

  private OnnxOutputRenamer() {}

  /**
   * Returns how many references were renamed (0 means the name was not found: the caller should
   * stop).
   */
  public static int rename(Path in, Path out, String from, String to) throws IOException {
    UnknownFieldSet model;
    try (InputStream s = Files.newInputStream(in)) {
      model = UnknownFieldSet.parseFrom(com.google.protobuf.CodedInputStream.newInstance(s));
    }
    UnknownFieldSet.Field graphField = model.getField(MODEL_GRAPH);
    if (graphField == null || graphField.getLengthDelimitedList().size() != 1) {
      throw new IOException(in + " is not an ONNX model with one graph");
    }
    UnknownFieldSet graph = UnknownFieldSet.parseFrom(graphField.getLengthDelimitedList().get(0));
    int[] renamed = {0};
    UnknownFieldSet.Builder g = UnknownFieldSet.newBuilder(graph);
    g.clearField(GRAPH_NODE);
    g.clearField(GRAPH_OUTPUT);
    g.addField(
        GRAPH_NODE,
        mapMessages(
            graph.getField(GRAPH_NODE),
            node ->
                renameStrings(
                    renameStrings(node, NODE_INPUT, from, to, renamed),
                    NODE_OUTPUT,
                    from,
                    to,
                    renamed)));
    g.addField(
        GRAPH_OUTPUT,
        mapMessages(
            graph.getField(GRAPH_OUTPUT),
            vi -> renameStrings(vi, VALUE_INFO_NAME, from, to, renamed)));
    UnknownFieldSet.Builder m = UnknownFieldSet.newBuilder(model);
    m.clearField(MODEL_GRAPH);
    m.addField(
        MODEL_GRAPH,
        UnknownFieldSet.Field.newBuilder().addLengthDelimited(g.build().toByteString()).build());
    try (OutputStream o = Files.newOutputStream(out)) {
      m.build().writeTo(o);
    }
    return renamed[0];
  }

  private interface Edit {
    UnknownFieldSet apply(UnknownFieldSet message) throws IOException;
  }

  private static UnknownFieldSet.Field mapMessages(UnknownFieldSet.Field f, Edit edit)
      throws IOException {
    UnknownFieldSet.Field.Builder b = UnknownFieldSet.Field.newBuilder();
    if (f != null) {
      for (ByteString bytes : f.getLengthDelimitedList()) {
        b.addLengthDelimited(edit.apply(UnknownFieldSet.parseFrom(bytes)).toByteString());
      }
    }
    return b.build();
  }

  private static UnknownFieldSet renameStrings(
      UnknownFieldSet msg, int field, String from, String to, int[] count) {
    UnknownFieldSet.Field f = msg.getField(field);
    if (f == null) {
      return msg;
    }
    List<ByteString> values = new ArrayList<>();
    boolean changed = false;
    for (ByteString v : f.getLengthDelimitedList()) {
      if (v.toStringUtf8().equals(from)) {
        values.add(ByteString.copyFromUtf8(to));
        changed = true;
        count[0]++;
      } else {
        values.add(v);
      }
    }
    if (!changed) {
      return msg;
    }
    UnknownFieldSet.Field.Builder nb = UnknownFieldSet.Field.newBuilder();
    values.forEach(nb::addLengthDelimited);
    // field order inside a message does not matter to protobuf parsers, so re-adding at the end is
    // fine
    return UnknownFieldSet.newBuilder(msg).clearField(field).addField(field, nb.build()).build();
  }
}
