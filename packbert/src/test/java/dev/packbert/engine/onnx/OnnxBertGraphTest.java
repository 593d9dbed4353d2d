package dev.packbert.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.packbert.engine.BertSignature.Output;
import dev.packbert.model.BertWeights;
import dev.packbert.model.TinyBert;
import dev.packbert.onnx.proto.Onnx.GraphProto;
import dev.packbert.onnx.proto.Onnx.ModelProto;
import dev.packbert.onnx.proto.Onnx.NodeProto;
import dev.packbert.onnx.proto.Onnx.OperatorSetIdProto;
import dev.packbert.onnx.proto.Onnx.TypeProto;
import dev.packbert.onnx.proto.Onnx.ValueInfoProto;
import dev.packbert.weights.OnnxCodec;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The ONNX graph PackBERT writes, read back through the same codec. */
class OnnxBertGraphTest {
  private static long count(ModelProto m, String op) {
    return m.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals(op)).count();
  }

  private static Set<String> outputs(ModelProto m) {
    return m.getGraph().getOutputList().stream()
        .map(ValueInfoProto::getName)
        .collect(Collectors.toSet());
  }

  @Test
  void clsOnlyGraphLacksTheAllTokenLastLayer() {
    BertWeights w = TinyBert.weights(3, true);
    int layers = w.config().numLayers();
    ModelProto cls = OnnxCodec.parse(OnnxBertGraph.modelBytes(w, false), "cls.onnx");
    ModelProto all = OnnxCodec.parse(OnnxBertGraph.modelBytes(w, true), "all.onnx");
    // per layer: Q, K, V, scores, context (5) and the tail's output projection, FFN up, FFN down
    // (3);
    // the last layer's tail runs on the [CLS] rows (3 more), then the pooler (1)
    long perLayer = 8;
    assertEquals(perLayer * (layers - 1) + 5 + 3 + 1, count(cls, "MatMul"));
    assertEquals(count(cls, "MatMul") + 3, count(all, "MatMul"));
    assertEquals(count(cls, "LayerNormalization") + 2, count(all, "LayerNormalization"));
    assertFalse(outputs(cls).contains(Output.HIDDEN.tensor()));
    assertEquals(
        Set.of(Output.HIDDEN.tensor(), Output.CLS.tensor(), Output.POOLER.tensor()), outputs(all));
    // one initializer per weight even though the [CLS] tail reads the last layer's a second time
    assertEquals(
        all.getGraph().getInitializerCount(),
        all.getGraph().getInitializerList().stream().map(t -> t.getName()).distinct().count());
  }

  /**
   * Why {@link OnnxRuntimeEngine} keeps a [CLS]-only graph: ONNX Runtime 1.19 runs every node of a
   * graph whatever a run fetches. A node that fails at run time on a branch no requested output
   * needs still fails the run. If ORT ever prunes, this fails: then one graph would do.
   */
  @Test
  void onnxRuntimeRunsNodesNoFetchedOutputNeeds() throws OrtException {
    TypeProto floats =
        TypeProto.newBuilder()
            .setTensorType(TypeProto.Tensor.newBuilder().setElemType(OnnxCodec.FLOAT))
            .build();
    GraphProto g =
        GraphProto.newBuilder()
            .setName("prune")
            .addInput(ValueInfoProto.newBuilder().setName("x").setType(floats))
            .addInitializer(OnnxCodec.int64Tensor("three", new long[] {1}, 3))
            .addNode(NodeProto.newBuilder().setOpType("Identity").addInput("x").addOutput("wanted"))
            // x has 2 elements: reshaping it to [3] fails whenever this node runs
            .addNode(
                NodeProto.newBuilder()
                    .setOpType("Reshape")
                    .addInput("x")
                    .addInput("three")
                    .addOutput("unwanted"))
            .addOutput(ValueInfoProto.newBuilder().setName("wanted").setType(floats))
            .addOutput(ValueInfoProto.newBuilder().setName("unwanted").setType(floats))
            .build();
    ModelProto m =
        ModelProto.newBuilder()
            .setIrVersion(8)
            .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17))
            .setGraph(g)
            .build();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        OrtSession s = env.createSession(m.toByteArray(), so);
        OnnxTensor x = OnnxTensor.createTensor(env, new float[] {1, 2})) {
      OrtException e =
          assertThrows(OrtException.class, () -> s.run(Map.of("x", x), Set.of("wanted")).close());
      assertTrue(e.getMessage().contains("Reshape"), e.getMessage());
    }
  }
}
