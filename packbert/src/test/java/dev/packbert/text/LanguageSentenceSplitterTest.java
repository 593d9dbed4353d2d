package dev.packbert.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The splitter's contract (exact, trimmed, ordered spans that lose no text) on every sample
 * document and on random strings, the hard cases one by one, thread safety and linear time. Its
 * accuracy per language is {@link SentenceSplitAccuracyTest}'s.
 */
class LanguageSentenceSplitterTest {

  /** Both labelled samples: every document in the contract checks. */
  static List<LabelledSentences.Doc> sample() {
    return LabelledSentences.all();
  }

  /**
   * The contract: ordered, non-overlapping, non-empty spans trimmed of whitespace, with only
   * whitespace between and around them.
   */
  static void assertContract(String text, int[][] spans) {
    int prevEnd = 0;
    for (int[] s : spans) {
      assertEquals(2, s.length);
      assertTrue(s[0] >= prevEnd && s[0] < s[1] && s[1] <= text.length(), () -> describe(text, s));
      assertTrue(!isSpace(text.charAt(s[0])), () -> "leading whitespace: " + describe(text, s));
      assertTrue(
          !isSpace(text.charAt(s[1] - 1)), () -> "trailing whitespace: " + describe(text, s));
      assertBlank(text.substring(prevEnd, s[0]));
      // never cut a surrogate pair
      assertTrue(!Character.isLowSurrogate(text.charAt(s[0])), () -> describe(text, s));
      assertTrue(s[1] == text.length() || !Character.isLowSurrogate(text.charAt(s[1])));
      prevEnd = s[1];
    }
    assertBlank(text.substring(prevEnd));
  }

  private static void assertBlank(String between) {
    assertTrue(
        between.chars().allMatch(c -> isSpace((char) c)), () -> "text lost: '" + between + "'");
  }

  private static String describe(String text, int[] s) {
    return "[" + s[0] + "," + s[1] + ") of " + text.length() + ": " + text;
  }

  private static boolean isSpace(char c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c);
  }

  private static List<String> sentences(String text, String lang) {
    return LanguageSentenceSplitter.texts(text, LanguageSentenceSplitter.split(text, lang));
  }

  @Test
  void everySampleDocumentKeepsTheContractInItsLanguageAndWithAuto() {
    for (LabelledSentences.Doc d : sample()) {
      assertContract(d.text(), LanguageSentenceSplitter.split(d.text(), d.lang()));
      assertContract(d.text(), LanguageSentenceSplitter.split(d.text(), "auto"));
    }
  }

  static Stream<Arguments> hardCases() {
    return Stream.of(
        // abbreviations, initials, ordinals, numbers
        Arguments.of("en", "Dr. Smith arrived at 11.50 a.m. and left. He was late.", 2),
        Arguments.of("en", "We voted in favour, i.e. for the compromise. It passed.", 2),
        Arguments.of("en", "We need research, education, etc. Only then will we succeed.", 2),
        Arguments.of("en", "That is covered in Article 3. We agree. The EU. is not a word.", 3),
        Arguments.of("de", "Viele Sorten, z. B. Äpfel, wachsen hier. Bananen nicht.", 2),
        Arguments.of("de", "Am 3. Oktober ist Feiertag. In der 90. Minute fiel das Tor.", 2),
        Arguments.of("de", "Wir sind wir. Dr. Müller kommt. Die Stadt hat Einwohner. Gut.", 4),
        Arguments.of("ru", "А. С. Пушкин родился в Москве. Он поэт.", 2),
        Arguments.of("ru", "Мы купили хлеб и т. д. Потом пошли домой.", 2),
        Arguments.of("ru", "Это число, т. е. 3,14, известно. Его знали.", 2),
        Arguments.of("fr", "M. Dupont est absent. Il revient lundi.", 2),
        Arguments.of("fr", "César a conquis la Gaule au Ier siècle av. J.-C. Cela a duré.", 2),
        Arguments.of("es", "EE. UU. y México firmaron. El Sr. García no está.", 2),
        Arguments.of("hi", "डॉ. शर्मा ने जांच की। उन्होंने कहा कि ठीक है।", 2),
        Arguments.of("hi", "Python सीखना आसान है. यह अच्छी भाषा है.", 2),
        Arguments.of("ar", "قال د. أحمد إن النتائج مشجعة. لماذا تأخرت؟ كنت أنتظرك!", 3),
        Arguments.of("ko", "회의는 2024. 5. 12.에 열립니다. 장소는 본사입니다.", 2),
        Arguments.of("ko", "그는 \"내일 다시 올게요.\"라고 말했다. 하지만 오지 않았다.", 2),
        // quotes and brackets after the terminator
        Arguments.of("zh", "他问我：“你明天有空吗？”我说：“当然有空。”于是我们约好了。", 3),
        Arguments.of("zh", "“明天几点出发？”“早上七点。”他点点头。", 3),
        Arguments.of("ja", "「明日は何時ですか？」と彼は聞いた。私は答えた。", 2),
        Arguments.of("ja", "「おはよう。今日も元気だね。」二人は笑った。", 2),
        Arguments.of("ja", "この定理は証明できる．まず，両辺を2乗する．", 2),
        Arguments.of("fr", "Elle a dit\u00a0: «\u00a0Je reviens.\u00a0» Mais non.", 2),
        Arguments.of("fr", "«\u00a0Tu as vu\u202f?\u00a0» demanda-t-il. Non.", 2),
        Arguments.of("ru", "«Ты придёшь?» — спросила она. Я кивнул.", 2),
        Arguments.of("de", "„Hast du das gesehen?“, fragte sie. Ich nickte.", 2),
        Arguments.of("en", "As he said, \"Europe must deliver.\" I agree.", 2),
        // ellipses, emoji, dashes, stage directions, lists
        Arguments.of("ru", "Я не знаю… Может быть, он прав.", 2),
        Arguments.of("ru", "Мы долго шли... и наконец пришли.", 1),
        Arguments.of("zh", "出门别忘了带伞哦☔路上注意安全。", 2),
        Arguments.of("ko", "축하해요! 🎉 앞으로도 좋은 일만 가득하길.", 2),
        Arguments.of("es", "Gracias por tu ayuda 😊 ¡Te debo una!", 2),
        Arguments.of("en", "It was adopted. - (SK) The discussion went on. (Applause) Thanks.", 4),
        Arguments.of("en", "We agree. in writing. - (NL) Food safety matters.", 3),
        Arguments.of("en", "It is the worst system ? except for all the others.", 1),
        Arguments.of("de", "Bitte mitbringen:\n1. Personalausweis\n2. Lichtbild", 3),
        Arguments.of("zh", "注意事项\n1. 请勿吸烟\n2. 保管好物品", 3),
        // Thai: spaces between sentences, also inside them
        Arguments.of("th", "วันนี้อากาศดีมาก เราจะไปเดินเล่นกัน", 2),
        Arguments.of("th", "นักท่องเที่ยวนิยมไปดอยอินทนนท์ ซึ่งเป็นยอดเขาที่สูงที่สุด", 1),
        Arguments.of("th", "มีประชากรประมาณ 10 ล้านคน การจราจรติดขัด", 2),
        Arguments.of("th", "ประดิษฐ์อักษรไทยเมื่อ พ.ศ. 1826", 1),
        // semicolons are no sentence ends (Spark NLP's pragmatic rules split there)
        Arguments.of("en", "Less energy consumption; transport; hotels and restaurants.", 1));
  }

  @ParameterizedTest(name = "[{index}] {0}: {1}")
  @MethodSource("hardCases")
  void hardCasesSplitAsAReaderWould(String lang, String text, int expected) {
    int[][] spans = LanguageSentenceSplitter.split(text, lang);
    assertContract(text, spans);
    assertEquals(
        expected,
        spans.length,
        () -> String.join(" ‖ ", LanguageSentenceSplitter.texts(text, spans)));
  }

  @Test
  void spansIndexTheOriginalTextExactly() {
    String text = "  Dr. Smith came.\u00a0\u00a0Then he left!\r\n\r\n(Applause)  ";
    int[][] spans = LanguageSentenceSplitter.split(text, "en");
    assertContract(text, spans);
    assertEquals(
        List.of("Dr. Smith came.", "Then he left!", "(Applause)"),
        LanguageSentenceSplitter.texts(text, spans));
    assertArrayEquals(new int[] {2, 17}, spans[0]);
  }

  /** The "tricky" document of PackBERT's SentenceSplitterTest, with the expectations it has. */
  @Test
  void theProjectsTrickyDocumentSplitsAsTheProjectExpects() {
    String text = "  Hello world.  This is Mr. Smith's car!\n\n😀 Emoji here?\r\nYes 中文。 Done";
    for (String lang : List.of("en", "auto")) {
      List<String> s = sentences(text, lang);
      assertEquals(
          List.of("Hello world.", "This is Mr. Smith's car!", "😀 Emoji here?", "Yes 中文。", "Done"),
          s,
          lang);
    }
    assertEquals(List.of("no punctuation at all"), sentences("no punctuation at all", "en"));
  }

  @Test
  void blankAndNullTextGiveNoSpans() {
    assertEquals(0, LanguageSentenceSplitter.split(null, "en").length);
    assertEquals(0, LanguageSentenceSplitter.split("", "en").length);
    assertEquals(0, LanguageSentenceSplitter.split(" \n\t\u00a0\u3000 ", "zh").length);
  }

  @Test
  void textWithoutTerminatorsIsOneSentence() {
    assertEquals(List.of("hello world"), sentences("  hello world ", "en"));
    assertEquals(List.of("😀😀"), sentences("😀😀", "auto"));
    assertEquals(List.of("?"), sentences("?", "en"));
  }

  @Test
  void hardWrappedProseIsNotSplitAtEachLine() {
    String text = "This report comes at a crucial\ntime for the Union, and we\nsupport it. Good.";
    assertEquals(
        List.of("This report comes at a crucial\ntime for the Union, and we\nsupport it.", "Good."),
        sentences(text, "en"));
  }

  @Test
  void languageCodesAreNormalizedAndUnknownOnesStillSplit() {
    String pt = "O Sr. Silva chegou. Ele saiu cedo.";
    assertEquals(sentences(pt, "pt"), sentences(pt, "pt-BR"));
    assertEquals(sentences(pt, "pt"), sentences(pt, "PT_br"));
    assertEquals(2, sentences(pt, "pt").size());
    assertEquals(2, sentences("Hello there. How are you?", "xx").size());
    assertEquals(
        sentences("Hello there. How are you?", "en"), sentences("Hello there. How are you?", null));
  }

  @Test
  void autoDetectsTheScriptsLanguage() {
    assertEquals("zh", LanguageSentenceSplitter.detectLanguage("今天北京的天气很好。"));
    assertEquals("ja", LanguageSentenceSplitter.detectLanguage("東京スカイツリーの高さは634mです。"));
    assertEquals("ko", LanguageSentenceSplitter.detectLanguage("오늘 날씨가 정말 좋네요."));
    assertEquals("hi", LanguageSentenceSplitter.detectLanguage("आज मौसम बहुत अच्छा है।"));
    assertEquals("ar", LanguageSentenceSplitter.detectLanguage("الطقس جميل اليوم."));
    assertEquals("th", LanguageSentenceSplitter.detectLanguage("วันนี้อากาศดีมาก"));
    assertEquals("ru", LanguageSentenceSplitter.detectLanguage("Сегодня хорошая погода."));
    assertEquals(
        "de", LanguageSentenceSplitter.detectLanguage("Das ist nicht der Weg, den wir gehen."));
    assertEquals(
        "fr", LanguageSentenceSplitter.detectLanguage("Le chat et le chien sont dans la maison."));
    assertEquals(
        "es", LanguageSentenceSplitter.detectLanguage("El gato y el perro están en la casa."));
    assertEquals(
        "en", LanguageSentenceSplitter.detectLanguage("The cat and the dog are in the house."));
    assertEquals("en", LanguageSentenceSplitter.detectLanguage("12345 !!!"));
  }

  @Test
  void threadsGetTheSameAnswers() {
    List<LabelledSentences.Doc> docs = sample();
    List<int[][]> sequential =
        docs.stream().map(d -> LanguageSentenceSplitter.split(d.text(), d.lang())).toList();
    List<int[][]> parallel =
        docs.parallelStream().map(d -> LanguageSentenceSplitter.split(d.text(), d.lang())).toList();
    for (int i = 0; i < docs.size(); i++) {
      assertArrayEquals(sequential.get(i), parallel.get(i), docs.get(i).id());
    }
  }

  /** Random mixes of the characters the rules look at: no exception, the contract holds. */
  @Test
  void randomTextKeepsTheContract() {
    String alphabet =
        "aZ .!?…;:,\"'()«»„“”「」『』。！？．，।|؟-–—\n\r\t\u00a0\u202f\u3000"
            + "漢字かなカナ한글देवनागरीعربيไทยๆฯ.кириллицаÄé0123456789";
    int[] extra = {0x1F600, 0x1F389, 0x200D, 0xFE0F, 0x1F3FB};
    Random random = new Random(42);
    List<String> langs =
        List.of("zh", "ja", "ko", "hi", "ar", "ru", "de", "fr", "es", "th", "en", "auto");
    for (int n = 0; n < 3000; n++) {
      StringBuilder sb = new StringBuilder();
      int len = random.nextInt(80);
      for (int i = 0; i < len; i++) {
        if (random.nextInt(15) == 0) {
          sb.appendCodePoint(extra[random.nextInt(extra.length)]);
        } else {
          sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
      }
      String text = sb.toString();
      for (String lang : langs) {
        assertContract(text, LanguageSentenceSplitter.split(text, lang));
      }
    }
  }

  /** Long one-line documents stay linear (each rule looks at a bounded window). */
  @Test
  void longDocumentsSplitInLinearTime() {
    String zh = "他说：“今天天气很好。”我们去公园吧！".repeat(20_000);
    String th = "วันนี้อากาศดีมาก เราจะไปเดินเล่นกัน ".repeat(10_000);
    String en =
        "Dr. Smith (the rapporteur) said e.g. this. and that ... (Applause) ".repeat(10_000);
    String dots = "a.".repeat(100_000) + "(".repeat(100_000);
    assertTimeoutPreemptively(
        Duration.ofSeconds(20),
        () -> {
          assertTrue(LanguageSentenceSplitter.split(zh, "zh").length >= 40_000);
          assertTrue(LanguageSentenceSplitter.split(th, "th").length >= 20_000);
          assertTrue(LanguageSentenceSplitter.split(en, "en").length >= 10_000);
          assertContract(dots, LanguageSentenceSplitter.split(dots, "en"));
        });
  }
}
