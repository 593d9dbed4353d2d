package dev.packbert.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The hand-written ONNX graph behind the int8 ceiling is the GEMM it claims: ONNX Runtime's
 * MatMulInteger output equals (a − 128)·w computed here in plain integers.
 */
class IntGemmRateTest {
  @Test
  void graphComputesTheU8S8ProductWithZeroPoint128() throws Exception {
    int m = 3;
    int k = 7;
    int n = 5;
    byte[] a = new byte[m * k];
    for (int i = 0; i < a.length; i++) {
      a[i] = (byte) (i * 37 % 256); // 0..255 as unsigned
    }
    byte[] w = IntGemmRate.weights(k, n);
    int[][] want = new int[m][n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        for (int x = 0; x < k; x++) {
          want[i][j] += ((a[i * k + x] & 0xff) - 128) * w[x * n + j];
        }
      }
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession s =
            env.createSession(IntGemmRate.model(m, k, n), new OrtSession.SessionOptions());
        OnnxTensor in =
            OnnxTensor.createTensor(
                env, ByteBuffer.wrap(a), new long[] {m, k}, OnnxJavaType.UINT8);
        OrtSession.Result r = s.run(Map.of("A", in))) {
      int[][] got = (int[][]) r.get(0).getValue();
      for (int i = 0; i < m; i++) {
        assertArrayEquals(want[i], got[i], "row " + i);
      }
    }
  }

  @Test
  void rateIsPositiveAfterSampling() {
    try (IntGemmRate r = new IntGemmRate(1, 64, 32, 16)) {
      r.sample(2);
      assertTrue(r.rate() > 0);
    }
  }
}
