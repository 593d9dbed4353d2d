package dev.packbert.weights;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.packbert.model.BertConfig;
import dev.packbert.model.BertWeights;
import dev.packbert.model.TensorData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes F32 safetensors files, and {@link BertWeights} as a HuggingFace BertModel directory
 * (config.json + model.safetensors, optional vocab.txt), for tests and conversion tools.
 */
public final class SafetensorsWriter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SafetensorsWriter() {}

  /** Writes tensors as F32 under their given names, in map order. */
  public static void writeTensors(
      Path file, Map<String, TensorData> tensors, Map<String, String> metadata) {
    ObjectNode header = JSON.createObjectNode();
    if (metadata != null && !metadata.isEmpty()) {
      ObjectNode m = header.putObject("__metadata__");
      metadata.forEach(m::put);
    }
    long offset = 0;
    for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
      ObjectNode t = header.putObject(e.getKey());
      t.put("dtype", "F32");
      ArrayNode shape = t.putArray("shape");
      for (long d : e.getValue().shape()) {
        shape.add(d);
      }
      long bytes = 4L * e.getValue().values().length;
      t.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
    }
    byte[] json;
    try {
      json = JSON.writeValueAsBytes(header);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // the spec pads the header with spaces so the data section starts 8-byte aligned
    int padded = (json.length + 7) / 8 * 8;
    ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    head.putLong(padded).put(json);
    while (head.hasRemaining()) {
      head.put((byte) ' ');
    }
    head.flip();
    try (FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      writeFully(ch, head);
      for (TensorData t : tensors.values()) {
        float[] v = t.values();
        ByteBuffer b = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < v.length; ) {
          b.clear();
          int n = Math.min(v.length - i, b.capacity() / 4);
          b.asFloatBuffer().put(v, i, n);
          b.limit(n * 4);
          writeFully(ch, b);
          i += n;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes a HuggingFace BertModel directory: names without the {@code bert.} prefix, Linear
   * weights [out, in].
   */
  public static void writeBertDirectory(BertWeights w, Path dir, List<String> vocab) {
    try {
      Files.createDirectories(dir);
      BertConfig c = w.config();
      ObjectNode cfg = JSON.createObjectNode();
      cfg.putArray("architectures").add("BertModel");
      cfg.put("model_type", "bert");
      cfg.put("vocab_size", c.vocabSize());
      cfg.put("hidden_size", c.hiddenSize());
      cfg.put("num_hidden_layers", c.numLayers());
      cfg.put("num_attention_heads", c.numHeads());
      cfg.put("intermediate_size", c.intermediateSize());
      cfg.put("max_position_embeddings", c.maxPositions());
      cfg.put("type_vocab_size", c.typeVocabSize());
      cfg.put("layer_norm_eps", c.layerNormEps());
      cfg.put("hidden_act", c.hiddenAct());
      cfg.put("position_embedding_type", "absolute");
      JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), cfg);
      Map<String, TensorData> hf = new LinkedHashMap<>();
      for (TensorData t : w.tensors().values()) {
        String name = hfName(t.name());
        hf.put(name, HfBertNames.isKernel(t.name()) ? t.transpose2d(name) : t.renamed(name));
      }
      writeTensors(dir.resolve("model.safetensors"), hf, Map.of("format", "pt"));
      if (vocab != null) {
        Files.write(dir.resolve("vocab.txt"), vocab, StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The inverse of {@link HfBertNames#canonical}. */
  static String hfName(String canonical) {
    String n = canonical.replaceFirst("^encoder/layer_(\\d+)/", "encoder/layer/$1/");
    if (n.endsWith("/kernel") || n.endsWith("/gamma")) {
      n = n.substring(0, n.lastIndexOf('/')) + "/weight";
    } else if (n.endsWith("/beta")) {
      n = n.substring(0, n.lastIndexOf('/')) + "/bias";
    } else if (n.endsWith("_embeddings")) {
      n = n + "/weight";
    }
    return n.replace('/', '.');
  }

  private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }
}
