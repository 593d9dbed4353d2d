package dev.packbert.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.packbert.onnx.proto.Onnx.GraphProto;
import dev.packbert.onnx.proto.Onnx.ModelProto;
import dev.packbert.onnx.proto.Onnx.NodeProto;
import dev.packbert.onnx.proto.Onnx.OperatorSetIdProto;
import dev.packbert.onnx.proto.Onnx.ValueInfoProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxOutputRenamerTest {
  @Test
  void renamesGraphOutputProducerAndConsumersOnly(@TempDir Path dir) throws Exception {
    GraphProto graph =
        GraphProto.newBuilder()
            .addNode(NodeProto.newBuilder().addInput("x").addOutput("output_0"))
            .addNode(NodeProto.newBuilder().addInput("output_0").addOutput("pooled"))
            .setName("graph-name")
            .addOutput(ValueInfoProto.newBuilder().setName("output_0"))
            .addOutput(ValueInfoProto.newBuilder().setName("pooled"))
            .build();
    ModelProto model =
        ModelProto.newBuilder()
            .setIrVersion(8)
            .setGraph(graph)
            .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17))
            .build();
    Path in = dir.resolve("in.onnx");
    Path out = dir.resolve("out.onnx");
    Files.write(in, model.toByteArray());

    assertEquals(3, OnnxOutputRenamer.rename(in, out, "output_0", "last_hidden_state"));

    ModelProto m = ModelProto.parseFrom(Files.readAllBytes(out));
    assertEquals(8L, m.getIrVersion());
    assertEquals(17L, m.getOpsetImport(0).getVersion());
    GraphProto g = m.getGraph();
    assertEquals("graph-name", g.getName());
    assertEquals(List.of("x"), g.getNode(0).getInputList());
    assertEquals(List.of("last_hidden_state"), g.getNode(0).getOutputList());
    assertEquals(List.of("last_hidden_state"), g.getNode(1).getInputList());
    assertEquals(List.of("pooled"), g.getNode(1).getOutputList());
    assertEquals("last_hidden_state", g.getOutput(0).getName());
    assertEquals("pooled", g.getOutput(1).getName());
  }
}
