package dev.packbert.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxOutputRenamerTest {
  private static UnknownFieldSet.Field strings(String... s) {
    UnknownFieldSet.Field.Builder b = UnknownFieldSet.Field.newBuilder();
    for (String x : s) {
      b.addLengthDelimited(ByteString.copyFromUtf8(x));
    }
    return b.build();
  }

  private static UnknownFieldSet.Field messages(UnknownFieldSet... m) {
    UnknownFieldSet.Field.Builder b = UnknownFieldSet.Field.newBuilder();
    for (UnknownFieldSet x : m) {
      b.addLengthDelimited(x.toByteString());
    }
    return b.build();
  }

  @Test
  void renamesGraphOutputProducerAndConsumersOnly(@TempDir Path dir) throws Exception {
    UnknownFieldSet producer =
        UnknownFieldSet.newBuilder()
            .addField(1, strings("x"))
            .addField(2, strings("output_0"))
            .build();
    UnknownFieldSet consumer =
        UnknownFieldSet.newBuilder()
            .addField(1, strings("output_0"))
            .addField(2, strings("pooled"))
            .build();
    UnknownFieldSet out0 = UnknownFieldSet.newBuilder().addField(1, strings("output_0")).build();
    UnknownFieldSet out1 = UnknownFieldSet.newBuilder().addField(1, strings("pooled")).build();
    UnknownFieldSet graph =
        UnknownFieldSet.newBuilder()
            .addField(1, messages(producer, consumer))
            .addField(2, strings("graph-name"))
            .addField(12, messages(out0, out1))
            .build();
    UnknownFieldSet model =
        UnknownFieldSet.newBuilder()
            .addField(1, UnknownFieldSet.Field.newBuilder().addVarint(8).build())
            .addField(7, messages(graph))
            .build();
    Path in = dir.resolve("in.onnx");
    Path out = dir.resolve("out.onnx");
    Files.write(in, model.toByteArray());

    assertEquals(3, OnnxOutputRenamer.rename(in, out, "output_0", "last_hidden_state"));

    UnknownFieldSet m = UnknownFieldSet.parseFrom(Files.readAllBytes(out));
    assertEquals(List.of(8L), m.getField(1).getVarintList());
    UnknownFieldSet g = UnknownFieldSet.parseFrom(m.getField(7).getLengthDelimitedList().get(0));
    assertEquals("graph-name", g.getField(2).getLengthDelimitedList().get(0).toStringUtf8());
    List<ByteString> nodes = g.getField(1).getLengthDelimitedList();
    assertEquals(
        "last_hidden_state",
        UnknownFieldSet.parseFrom(nodes.get(0))
            .getField(2)
            .getLengthDelimitedList()
            .get(0)
            .toStringUtf8());
    assertEquals(
        "last_hidden_state",
        UnknownFieldSet.parseFrom(nodes.get(1))
            .getField(1)
            .getLengthDelimitedList()
            .get(0)
            .toStringUtf8());
    assertEquals(
        "pooled",
        UnknownFieldSet.parseFrom(nodes.get(1))
            .getField(2)
            .getLengthDelimitedList()
            .get(0)
            .toStringUtf8());
    List<ByteString> outs = g.getField(12).getLengthDelimitedList();
    assertEquals(
        "last_hidden_state",
        UnknownFieldSet.parseFrom(outs.get(0))
            .getField(1)
            .getLengthDelimitedList()
            .get(0)
            .toStringUtf8());
    assertEquals(
        "pooled",
        UnknownFieldSet.parseFrom(outs.get(1))
            .getField(1)
            .getLengthDelimitedList()
            .get(0)
            .toStringUtf8());
  }
}
