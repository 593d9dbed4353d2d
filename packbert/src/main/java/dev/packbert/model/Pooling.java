package dev.packbert.model;

import java.util.EnumSet;
import java.util.Locale;

/** How a sentence's token vectors become one vector; each choice is one output column. */
public enum Pooling {
  /** The sentence's own [CLS] token. */
  CLS,
  /** Mean over the sentence's real tokens, [CLS] and [SEP] included (as sentence-transformers). */
  MEAN,
  /** BERT's pooler: tanh(dense(CLS)). */
  POOLER,
  /** Element-wise max over the sentence's real tokens, [CLS] and [SEP] included (as s-t). */
  MAX;

  public String column() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses "cls,mean,pooler,max" (any order, any case). */
  public static EnumSet<Pooling> parseList(String csv) {
    EnumSet<Pooling> set = EnumSet.noneOf(Pooling.class);
    for (String part : csv.split(",", -1)) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      try {
        set.add(Pooling.valueOf(p.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "unknown pooling '" + p + "' (choose from cls, mean, pooler, max)");
      }
    }
    if (set.isEmpty()) {
      throw new IllegalArgumentException("no pooling chosen (choose from cls, mean, pooler, max)");
    }
    return set;
  }
}
