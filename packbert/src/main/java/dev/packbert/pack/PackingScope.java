package dev.packbert.pack;

import java.util.Locale;

/** Which sentences may share a row. */
public enum PackingScope {
  /** Only sentences of the same doc_id (within one window) share a row. */
  DOCUMENT,
  /** Any sentences of the same window share a row. */
  PARTITION;

  public String paramValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static PackingScope parse(String name) {
    return valueOf(name.trim().toUpperCase(Locale.ROOT));
  }
}
