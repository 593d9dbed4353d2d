package dev.packbert.engine.tensorflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.packbert.engine.BertSignature.Output;
import dev.packbert.model.TinyBert;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;

/** What each fetch of the graph computes (TensorFlow runs only a fetch's ancestors). */
class BertGraphTest {
  @Test
  void clsAndPoolerSkipTheLastLayersOutputProjectionAndFfnOnEveryOtherToken() {
    try (Graph g = new Graph()) {
      BertGraph.build(g, TinyBert.CONFIG, true);
      Set<String> cls = ancestorMatMuls(g, Output.CLS.tensor());
      Set<String> all = ancestorMatMuls(g, Output.HIDDEN.tensor());
      int layers = TinyBert.CONFIG.numLayers();
      // q, k, v, output projection, FFN up and down per layer
      assertEquals(6 * layers, all.size());
      assertEquals(6 * layers, cls.size());
      Set<String> onlyAll = new HashSet<>(all);
      onlyAll.removeAll(cls);
      // the last layer's output projection and FFN on all tokens: what cls computes on [S, H]
      assertEquals(3, onlyAll.size(), onlyAll.toString());
      Set<String> pooler = ancestorMatMuls(g, Output.POOLER.tensor());
      pooler.removeAll(cls);
      assertEquals(1, pooler.size(), "the pooler's own dense layer: " + pooler);
    }
  }

  private static Set<String> ancestorMatMuls(Graph g, String fetch) {
    Set<String> seen = new HashSet<>();
    Set<String> matMuls = new HashSet<>();
    Deque<GraphOperation> todo = new ArrayDeque<>();
    todo.add(g.operation(fetch));
    while (!todo.isEmpty()) {
      GraphOperation op = todo.pop();
      if (!seen.add(op.name())) {
        continue;
      }
      if (op.type().equals("MatMul")) {
        matMuls.add(op.name());
      }
      for (int i = 0; i < op.numInputs(); i++) {
        todo.add((GraphOperation) op.input(i).op());
      }
    }
    return matMuls;
  }
}
