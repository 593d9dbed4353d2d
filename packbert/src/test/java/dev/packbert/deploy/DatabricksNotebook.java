package dev.packbert.deploy;

import java.util.ArrayList;
import java.util.List;

/**
 * A Databricks source notebook in Scala, the format a workspace imports and exports: a first line
 * {@code // Databricks notebook source}, cells separated by {@code // COMMAND ----------}, and
 * prose cells whose every line starts with {@code // MAGIC} (the first being {@code // MAGIC %md}).
 * An optional {@code // DBTITLE 1,Title} line names a code cell.
 */
record DatabricksNotebook(List<Cell> cells) {
  static final String HEADER = "// Databricks notebook source";
  static final String SEPARATOR = "// COMMAND ----------";
  private static final String MAGIC = "// MAGIC";
  private static final String TITLE = "// DBTITLE ";

  enum Kind {
    CODE,
    MARKDOWN
  }

  record Cell(Kind kind, String title, String source) {}

  static DatabricksNotebook parse(String text) {
    List<String> lines = List.of(text.replace("\r\n", "\n").split("\n", -1));
    if (lines.isEmpty() || !lines.get(0).strip().equals(HEADER)) {
      throw new IllegalArgumentException(
          "not a Databricks source notebook: first line must be '" + HEADER + "'");
    }
    List<List<String>> chunks = new ArrayList<>();
    List<String> chunk = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      if (line.strip().equals(SEPARATOR)) {
        chunks.add(chunk);
        chunk = new ArrayList<>();
      } else {
        chunk.add(line);
      }
    }
    chunks.add(chunk);
    List<Cell> cells = new ArrayList<>();
    for (List<String> c : chunks) {
      List<String> body = trim(c);
      if (body.isEmpty()) {
        continue;
      }
      if (body.stream().allMatch(l -> l.startsWith(MAGIC))) {
        List<String> magic =
            body.stream().map(l -> l.substring(MAGIC.length()).replaceFirst("^ ", "")).toList();
        String first = magic.get(0).strip();
        if (!first.equals("%md")) {
          throw new IllegalArgumentException("only %md magic cells are supported, not: " + first);
        }
        cells.add(
            new Cell(Kind.MARKDOWN, "", String.join("\n", trim(magic.subList(1, magic.size())))));
      } else if (body.stream().anyMatch(l -> l.startsWith(MAGIC))) {
        throw new IllegalArgumentException("a cell mixes // MAGIC lines with code: " + body.get(0));
      } else {
        String title = "";
        if (body.get(0).startsWith(TITLE)) {
          title = body.get(0).replaceFirst("^// DBTITLE \\d+,", "").strip();
          body = trim(body.subList(1, body.size()));
        }
        cells.add(new Cell(Kind.CODE, title, String.join("\n", body)));
      }
    }
    return new DatabricksNotebook(List.copyOf(cells));
  }

  private static List<String> trim(List<String> lines) {
    int from = 0;
    int to = lines.size();
    while (from < to && lines.get(from).isBlank()) {
      from++;
    }
    while (to > from && lines.get(to - 1).isBlank()) {
      to--;
    }
    return lines.subList(from, to);
  }
}
