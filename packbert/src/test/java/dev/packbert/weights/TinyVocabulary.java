package dev.packbert.weights;

import java.util.ArrayList;
import java.util.List;

/** 50 WordPiece tokens for {@link dev.packbert.model.TinyBert}'s vocabulary size. */
public final class TinyVocabulary {
  private TinyVocabulary() {}

  public static final List<String> WORDS =
      List.of(
          "the",
          "council",
          "and",
          "parliament",
          "agree",
          "on",
          "a",
          "new",
          "budget",
          "today",
          "we",
          "vote",
          "for",
          "this",
          "report",
          "it",
          "is",
          "good",
          "query",
          "passage",
          ":",
          ".",
          ",",
          "member",
          "states",
          "must",
          "act",
          "now",
          "our",
          "citizens",
          "want",
          "clear",
          "rules",
          "in",
          "europe",
          "debate",
          "closed",
          "next",
          "item",
          "please",
          "thank",
          "you",
          "president",
          "commission",
          "yes");

  public static final List<String> TOKENS = tokens();

  private static List<String> tokens() {
    List<String> t = new ArrayList<>(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"));
    t.addAll(WORDS);
    if (t.size() != 50) {
      throw new IllegalStateException("TinyBert needs 50 tokens, have " + t.size());
    }
    return List.copyOf(t);
  }
}
