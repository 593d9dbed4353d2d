package dev.packbert.text;

import java.util.List;
import java.util.Random;

/**
 * Random strings for tokenizer parity, drawn from one script at a time (or all of them mixed) plus
 * the whitespace, punctuation, control and zero-width characters that a tokenizer must treat
 * specially. Each script's pool holds the ranges real text uses and the edge cases of that script:
 * Japanese mixes kana with kanji and half-width katakana, Korean has precomposed syllables and bare
 * jamo, Arabic and Hebrew carry their vowel marks, Devanagari its vowel signs, virama and nukta,
 * Latin precomposed and combining accents, emoji their ZWJ sequences, skin tones, flags and
 * keycaps.
 */
public final class ScriptStrings {

  /** A named pool of code point ranges ({from, to} inclusive) and fixed fragments. */
  public record Script(String name, int[][] ranges, List<String> fragments) {
    void append(Random r, StringBuilder sb) {
      if (!fragments.isEmpty() && (ranges.length == 0 || r.nextInt(4) == 0)) {
        sb.append(fragments.get(r.nextInt(fragments.size())));
        return;
      }
      int[] range = ranges[r.nextInt(ranges.length)];
      sb.appendCodePoint(range[0] + r.nextInt(range[1] - range[0] + 1));
    }
  }

  public static final List<Script> SCRIPTS =
      List.of(
          new Script(
              "chinese",
              new int[][] {
                {0x4E00, 0x9FFF}, {0x4E00, 0x62FF}, {0x3400, 0x4DBF}, {0x20000, 0x2A6DF}
              },
              List.of("的", "是", "中国", "。", "，", "、", "「", "」", "《", "》", "（", "）", "：", "？", "！")),
          new Script(
              "japanese",
              new int[][] {
                {0x3041, 0x3096},
                {0x30A1, 0x30FA},
                {0x4E00, 0x9FFF},
                {0xFF66, 0xFF9F},
                {0x3099, 0x309C}
              },
              List.of(
                  "です", "ます", "東京", "カタカナ", "ー", "ッ", "ゃ", "。", "、", "・", "々", "ｶﾞ", "か\u3099")),
          new Script(
              "korean",
              new int[][] {{0xAC00, 0xD7A3}, {0xAC00, 0xAFFF}, {0x1100, 0x11FF}, {0x3131, 0x318E}},
              List.of("한국어", "입니다", "ㅋㅋ", "ㅠㅠ", "\u1100\u1161\u11A8")),
          new Script(
              "thai",
              new int[][] {{0x0E01, 0x0E3A}, {0x0E3F, 0x0E5B}},
              List.of("ภาษาไทย", "ครับ", "ๆ", "ฯ", "\u0E01\u0E34\u0E48")),
          new Script(
              "arabic",
              new int[][] {
                {0x0621, 0x064A},
                {0x064B, 0x065F},
                {0x0660, 0x0669},
                {0xFB50, 0xFDFF},
                {0xFE70, 0xFEFC}
              },
              List.of("مرحبا", "ال", "؟", "،", "؛", "\u0640", "\u0651\u064E")),
          new Script(
              "hebrew",
              new int[][] {{0x05D0, 0x05EA}, {0x05B0, 0x05C7}, {0x05F0, 0x05F4}, {0xFB1D, 0xFB4F}},
              List.of("שלום", "עולם", "\u05BE", "\u05F3", "\u05B8\u05BC")),
          new Script(
              "devanagari",
              new int[][] {{0x0904, 0x0939}, {0x093A, 0x094F}, {0x0950, 0x097F}, {0xA8E0, 0xA8FF}},
              List.of("नमस्ते", "हिन्दी", "।", "॥", "\u094D", "\u093C", "क्\u200Dष")),
          new Script(
              "cyrillic",
              new int[][] {{0x0400, 0x04FF}, {0x0430, 0x044F}, {0x0500, 0x052F}},
              List.of("привет", "Москва", "ё", "Ё", "й", "и\u0306", "е\u0308")),
          new Script(
              "latin-accents",
              new int[][] {{0x00C0, 0x024F}, {0x1E00, 0x1EFF}, {0x0061, 0x007A}},
              List.of(
                  "café",
                  "naïve",
                  "Straße",
                  "ẞ",
                  "İstanbul",
                  "ı",
                  "ŉ",
                  "ǅ",
                  "ﬁ",
                  "ﬀ",
                  "Ω",
                  "Å",
                  "e\u0301",
                  "A\u030A",
                  "ΟΔΟΣ",
                  "ς",
                  "Σ",
                  "ǰ",
                  "ᾼ",
                  "ﬃ")),
          new Script(
              "emoji",
              new int[][] {
                {0x1F300, 0x1F5FF}, {0x1F600, 0x1F64F}, {0x1F900, 0x1F9FF}, {0x2600, 0x27BF}
              },
              List.of(
                  "👍🏽",
                  "👨\u200D👩\u200D👧",
                  "🇪🇺",
                  "🇯🇵",
                  "❤\uFE0F",
                  "#\uFE0F\u20E3",
                  "1\u20E3",
                  "🏳\uFE0F\u200D🌈",
                  "\uFE0E",
                  "🏻",
                  "\uDB40\uDC67")),
          new Script(
              "combining",
              new int[][] {
                {0x0300, 0x036F},
                {0x1AB0, 0x1AFF},
                {0x1DC0, 0x1DFF},
                {0x20D0, 0x20FF},
                {0xFE20, 0xFE2F}
              },
              List.of("a\u0300", "o\u0308\u0301", "\u0345", "\u0489", "\u20DD")),
          new Script(
              "zero-width",
              new int[][] {{0x200B, 0x200F}, {0x202A, 0x202E}, {0x2060, 0x2064}, {0x2066, 0x206F}},
              List.of(
                  "\uFEFF", "\u00AD", "\u034F", "\u180E", "\u061C", "\uFFF9", "\u200Bword\u200B")));

  /** Whitespace, punctuation, controls and compatibility characters mixed into every string. */
  private static final Script SEPARATORS =
      new Script(
          "separators",
          new int[][] {
            {0x21, 0x2F}, {0x3A, 0x40}, {0x2010, 0x2027}, {0x3000, 0x3003}, {0xFF01, 0xFF5E}
          },
          List.of(
              " ",
              " ",
              " ",
              "  ",
              "\t",
              "\n",
              "\r\n",
              "\u00A0",
              "\u3000",
              "\u2028",
              "\u2029",
              "\u0085",
              "\u2003",
              "\u202F",
              "\u1680",
              "\u000B",
              "\u000C",
              "\u0000",
              "\u0001",
              "\u001F",
              "\u007F",
              "\u0080",
              "\u009F",
              "\uFFFD",
              "\uE000",
              "\uDB80\uDC00",
              "\u0378",
              "[CLS]",
              "[SEP]",
              "[UNK]",
              "##",
              "the",
              "The",
              "1,000.5",
              "½",
              "²",
              "Ⅻ",
              "㎏",
              "℃",
              "ｆｕｌｌ"));

  /** Every script mixed, for interactions (CJK next to Latin, marks after emoji, ...). */
  public static final String MIXED = "mixed";

  private ScriptStrings() {}

  /** The names to ask {@link #random} for: each script, then {@link #MIXED}. */
  public static List<String> names() {
    return java.util.stream.Stream.concat(
            SCRIPTS.stream().map(Script::name), java.util.stream.Stream.of(MIXED))
        .toList();
  }

  /**
   * A string of up to {@code maxPieces} pieces: mostly from the named script (any script for {@link
   * #MIXED}), one in four from {@link #SEPARATORS}, and now and then a word longer than a
   * tokenizer's 100-character word limit.
   */
  public static String random(String script, Random r, int maxPieces) {
    Script own = script.equals(MIXED) ? null : byName(script);
    StringBuilder sb = new StringBuilder();
    int pieces = 1 + r.nextInt(maxPieces);
    for (int i = 0; i < pieces; i++) {
      int k = r.nextInt(8);
      if (k < 2) {
        SEPARATORS.append(r, sb);
      } else if (k == 2 && r.nextInt(20) == 0) {
        Script s = own != null ? own : SCRIPTS.get(r.nextInt(SCRIPTS.size()));
        StringBuilder word = new StringBuilder();
        while (word.length() < 90 + r.nextInt(30)) {
          s.append(r, word);
        }
        sb.append(word);
      } else {
        (own != null ? own : SCRIPTS.get(r.nextInt(SCRIPTS.size()))).append(r, sb);
      }
    }
    return sb.toString();
  }

  private static Script byName(String name) {
    return SCRIPTS.stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no script " + name));
  }
}
