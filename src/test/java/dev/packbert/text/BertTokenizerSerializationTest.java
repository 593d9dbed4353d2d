package dev.packbert.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * The stage broadcasts its tokenizer, and on a cluster Spark deserializes broadcast values with the
 * job's serializer (Kryo), which never calls {@code readObject}: the tokenizer must tokenize after
 * either trip.
 */
class BertTokenizerSerializationTest {
  private static final ClassTag<BertTokenizer> TAG = ClassTag$.MODULE$.apply(BertTokenizer.class);

  @Test
  void tokenizesAfterSparksKryoRoundTrip() {
    BertTokenizer original = new BertTokenizer(TestTexts.uncased(), true);
    SerializerInstance kryo = new KryoSerializer(new SparkConf()).newInstance();
    ByteBuffer bytes = kryo.serialize(original, TAG);
    BertTokenizer arrived = kryo.deserialize(bytes, TAG);
    assertNotSame(original, arrived);
    assertSameIds(original, arrived);
  }

  @Test
  void tokenizesAfterJavaSerialization() throws Exception {
    BertTokenizer original = new BertTokenizer(TestTexts.cased(), false);
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(buf)) {
      out.writeObject(original);
    }
    BertTokenizer arrived;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(buf.toByteArray()))) {
      arrived = (BertTokenizer) in.readObject();
    }
    assertSameIds(original, arrived);
  }

  private static void assertSameIds(BertTokenizer expected, BertTokenizer actual) {
    List<String> texts = TestTexts.europarlSentences(50, 7);
    for (String t : texts) {
      assertArrayEquals(expected.encode(t), actual.encode(t), t);
    }
    assertArrayEquals(expected.encode(null), actual.encode(null));
  }
}
