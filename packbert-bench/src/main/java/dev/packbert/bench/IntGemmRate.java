package dev.packbert.bench;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Random;

/**
 * The integer GEMM rate of ONNX Runtime on this machine: {@code MatMulInteger} with uint8
 * activations (zero point 128) [m, k] fed at run time and int8 weights [k, n] as an initializer
 * (prepacked, as a model's weights are), int32 out: the u8s8 kernel (VNNI where the CPU has it)
 * that every int8 BERT on ONNX Runtime runs its dense layers on. Ops/s over all samples, as {@link
 * MatmulRate} counts FLOPs: 2·m·k·n per run. The graph is written here as ONNX protobuf, field by
 * field (ONNX's generated classes are on no Maven artifact).
 */
public final class IntGemmRate implements AutoCloseable {
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;
  private final OnnxTensor a;
  private final double opsPerRun;
  private long nanos;
  private long runs;

  public IntGemmRate(int threads, int m, int k, int n) {
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      o.setIntraOpNumThreads(threads);
      o.setInterOpNumThreads(1);
      session = env.createSession(model(m, k, n), o);
      byte[] x = new byte[m * k];
      new Random(1).nextBytes(x);
      a = OnnxTensor.createTensor(env, ByteBuffer.wrap(x), new long[] {m, k}, OnnxJavaType.UINT8);
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime MatMulInteger: " + e.getMessage(), e);
    }
    opsPerRun = 2.0 * m * k * n;
    once(); // warm-up: weight prepacking and thread start are not part of the rate
  }

  private long once() {
    long t0 = System.nanoTime();
    try (OrtSession.Result r = session.run(Map.of("A", a))) {
      return System.nanoTime() - t0; // the int32 product stays native: no copy to Java
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Adds {@code repeats} timed runs to the rate. */
  public void sample(int repeats) {
    for (int r = 0; r < repeats; r++) {
      nanos += once();
      runs++;
    }
  }

  /** Integer ops/s (2 per multiply-add) over all samples so far. */
  public double rate() {
    return runs == 0 ? Double.NaN : opsPerRun * runs / (nanos / 1e9);
  }

  @Override
  public void close() {
    a.close();
    try {
      session.close();
    } catch (OrtException e) {
      // nothing left to release it for
    }
  }

  // ONNX protobuf field numbers (onnx.proto3)
  private static final int TENSOR_UINT8 = 2;
  private static final int TENSOR_INT8 = 3;
  private static final int TENSOR_INT32 = 6;

  /** ModelProto: Y[int32 m,n] = MatMulInteger(A[uint8 m,k], B[int8 k,n] initializer, azp = 128). */
  static byte[] model(int m, int k, int n) {
    byte[] w = weights(k, n);
    byte[] node =
        msg(
            out -> {
              out.writeString(1, "A");
              out.writeString(1, "B");
              out.writeString(1, "azp");
              out.writeString(2, "Y");
              out.writeString(3, "gemm");
              out.writeString(4, "MatMulInteger");
            });
    byte[] weights =
        msg(
            out -> {
              out.writeInt64(1, k);
              out.writeInt64(1, n);
              out.writeInt32(2, TENSOR_INT8);
              out.writeString(8, "B");
              out.writeBytes(9, ByteString.copyFrom(w));
            });
    byte[] zeroPoint =
        msg(
            out -> {
              out.writeInt32(2, TENSOR_UINT8);
              out.writeString(8, "azp");
              out.writeBytes(9, ByteString.copyFrom(new byte[] {(byte) 128}));
            });
    byte[] graph =
        msg(
            out -> {
              out.writeByteArray(1, node);
              out.writeString(2, "u8s8");
              out.writeByteArray(5, weights);
              out.writeByteArray(5, zeroPoint);
              out.writeByteArray(11, valueInfo("A", TENSOR_UINT8, m, k));
              out.writeByteArray(12, valueInfo("Y", TENSOR_INT32, m, n));
            });
    byte[] opset =
        msg(
            out -> {
              out.writeString(1, "");
              out.writeInt64(2, 17);
            });
    return msg(
        out -> {
          out.writeInt64(1, 8); // ir_version
          out.writeByteArray(7, graph);
          out.writeByteArray(8, opset);
        });
  }

  /** The model's int8 weights, row-major [k, n], in [-127, 127]. */
  static byte[] weights(int k, int n) {
    byte[] w = new byte[k * n];
    Random r = new Random(2);
    for (int i = 0; i < w.length; i++) {
      w[i] = (byte) (r.nextInt(255) - 127);
    }
    return w;
  }

  private static byte[] valueInfo(String name, int elemType, long... dims) {
    byte[] shape =
        msg(
            out -> {
              for (long d : dims) {
                out.writeByteArray(1, msg(o -> o.writeInt64(1, d)));
              }
            });
    byte[] tensorType =
        msg(
            out -> {
              out.writeInt32(1, elemType);
              out.writeByteArray(2, shape);
            });
    byte[] type = msg(out -> out.writeByteArray(1, tensorType));
    return msg(
        out -> {
          out.writeString(1, name);
          out.writeByteArray(2, type);
        });
  }

  private interface Writer {
    void write(CodedOutputStream out) throws IOException;
  }

  private static byte[] msg(Writer w) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      w.write(out);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
