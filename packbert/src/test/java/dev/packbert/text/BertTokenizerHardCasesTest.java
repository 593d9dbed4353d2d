package dev.packbert.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Edge cases, each checked against HF tokenizers for both vocabularies; expectations are HF's, not
 * ours.
 */
class BertTokenizerHardCasesTest {
  static final String LONG_120 = "a".repeat(120);
  static final String LONG_100 = "b".repeat(100);

  static final List<String> CASES =
      List.of(
          "café naïve Ångström Crème Brûlée",
          "ÉCOLE ÜBER STRASSE Straße İstanbul ΟΔΟΣ ΣΟΦΙΑ",
          "中文字符 日本語のテキスト 한국어 문장",
          "emoji 😀👍🏽 🇪🇺 ❤️ 🥰 end",
          "zero\u200Bwidth join\u200Der \uFEFFbom",
          "ctrl\u0001char tab\tnew\r\nline next\u0085line sep\u2028par\u2029x nbsp\u00A0x",
          LONG_120,
          LONG_100,
          LONG_100 + "b",
          "prefix " + LONG_120 + " suffix",
          "",
          "   \t\n  ",
          "\u0000\uFFFD",
          "e\u0301 a\u0300 n\u0303 combining o\u0308\u0301",
          "ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３ ！？",
          "مرحبا بالعالم. שלום עולם! สวัสดีครับ नमस्ते दुनिया।",
          "quotes “smart” ‘single’ «guillemets» — dash – 1,000.5 $5 50% a/b c\\d",
          "[CLS] [SEP] [UNK] ##ing un##affable",
          "Ⅻ ﬁ ㎏ ½ ² ℃ ẞ ǅ",
          "\uD800 lone surrogate \uDC00 x",
          "𝐁𝐨𝐥𝐝 𠀀𠀁 mathematical and CJK extension B");

  static HuggingFaceTokenizer hfUncased;
  static HuggingFaceTokenizer hfCased;

  @BeforeAll
  static void setUp(@TempDir Path dir) throws Exception {
    hfUncased = HfReference.forVocabulary(TestTexts.uncased(), true, dir);
    hfCased = HfReference.forVocabulary(TestTexts.cased(), false, dir);
  }

  @AfterAll
  static void tearDown() {
    hfUncased.close();
    hfCased.close();
  }

  @Test
  void uncasedHardCasesMatchHuggingFace() {
    check(new BertTokenizer(TestTexts.uncased(), true), hfUncased);
  }

  @Test
  void casedHardCasesMatchHuggingFace() {
    check(new BertTokenizer(TestTexts.cased(), false), hfCased);
  }

  private static void check(BertTokenizer ours, HuggingFaceTokenizer hf) {
    List<String> diffs = new ArrayList<>();
    for (String s : CASES) {
      int[] expected = HfReference.encode(hf, s);
      int[] actual = ours.encode(s);
      if (!Arrays.equals(expected, actual)) {
        diffs.add(
            escape(s)
                + "\n  hf:   "
                + Arrays.toString(expected)
                + "\n  ours: "
                + Arrays.toString(actual)
                + "\n  ours: "
                + ours.tokenize(s));
      }
    }
    diffs.forEach(System.out::println);
    assertEquals(0, diffs.size(), "differences vs HF");
  }

  @Test
  void overlongWordIsUnknownAndHundredCharWordIsNot() {
    Vocabulary v = TestTexts.uncased();
    BertTokenizer t = new BertTokenizer(v, true);
    assertArrayEquals(new int[] {v.clsId(), v.unkId(), v.sepId()}, t.encode(LONG_120));
    int[] hundred = t.encode(LONG_100);
    assertEquals(v.clsId(), hundred[0]);
    assertEquals(v.sepId(), hundred[hundred.length - 1]);
    assertEquals(-1, Arrays.stream(hundred).filter(id -> id == v.unkId()).findAny().orElse(-1));
  }

  @Test
  void nullAndEmptyGiveClsSep() {
    Vocabulary v = TestTexts.cased();
    BertTokenizer t = new BertTokenizer(v, false);
    int[] clsSep = {v.clsId(), v.sepId()};
    assertArrayEquals(clsSep, t.encode(null));
    assertArrayEquals(clsSep, HfReference.encode(hfCased, ""));
    assertArrayEquals(clsSep, t.encode(" \u200B\t"));
  }

  @Test
  void survivesJavaSerialization() throws Exception {
    BertTokenizer t = new BertTokenizer(TestTexts.uncased(), true);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(t);
    }
    BertTokenizer back;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      back = (BertTokenizer) in.readObject();
    }
    assertTokenizesAsBefore(t, back);
  }

  /**
   * The stage broadcasts its tokenizer, and on a cluster Spark deserializes broadcast values with
   * the job's serializer (Kryo), which never calls {@code readObject}.
   */
  @Test
  void survivesSparksKryo() {
    BertTokenizer t = new BertTokenizer(TestTexts.uncased(), true);
    ClassTag<BertTokenizer> tag = ClassTag$.MODULE$.apply(BertTokenizer.class);
    SerializerInstance kryo = new KryoSerializer(new SparkConf()).newInstance();
    BertTokenizer back = kryo.deserialize(kryo.serialize(t, tag), tag);
    assertNotSame(t, back);
    assertTokenizesAsBefore(t, back);
  }

  /**
   * {@code back}, an uncased tokenizer that travelled, tokenizes as HF does and as it did before.
   */
  private static void assertTokenizesAsBefore(BertTokenizer before, BertTokenizer back) {
    String s = CASES.get(0) + " " + CASES.get(16);
    assertArrayEquals(HfReference.encode(hfUncased, s), back.encode(s));
    for (String t : TestTexts.europarlSentences(50, 7)) {
      assertArrayEquals(before.encode(t), back.encode(t), t);
    }
    assertArrayEquals(before.encode(null), back.encode(null));
  }

  private static String escape(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints()
        .forEach(
            cp -> {
              if (cp < 32
                  || (cp >= 0x7F && cp < 0xA0)
                  || Character.getType(cp) == Character.FORMAT) {
                b.append(String.format("\\u%04X", cp));
              } else {
                b.appendCodePoint(cp);
              }
            });
    return b.toString();
  }
}
