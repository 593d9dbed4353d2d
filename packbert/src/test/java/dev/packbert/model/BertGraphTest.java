package dev.packbert.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
      Set<String> cls = ancestorMatMuls(g, BertGraph.OUT_CLS);
      Set<String> mean = ancestorMatMuls(g, BertGraph.OUT_MEAN);
      int layers = TinyBert.CONFIG.numLayers();
      // q, k, v, output projection, FFN up and down per layer
      assertEquals(6 * layers, mean.size());
      assertEquals(6 * layers, cls.size());
      Set<String> onlyMean = new HashSet<>(mean);
      onlyMean.removeAll(cls);
      // the last layer's output projection and FFN on all tokens: what cls computes on [S, H]
      assertEquals(3, onlyMean.size(), onlyMean.toString());
      Set<String> pooler = ancestorMatMuls(g, BertGraph.OUT_POOLER);
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
