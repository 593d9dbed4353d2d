package dev.packbert.deploy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The outputs of the cell that is running: what it printed, and what it handed to the stand-ins for
 * Databricks' {@code display(df)} and {@code displayHTML(html)} that the harness's prelude defines
 * (they call {@link #table} and {@link #html}). Printed text is cut into a stream output at each
 * display call, so the outputs keep the order the cell produced them in.
 */
public final class NotebookDisplay {
  /** One output of a cell, as nbformat stores it. */
  public sealed interface Output permits Stream, Image, Html {}

  /** Printed text (nbformat {@code stream}, stdout). */
  public record Stream(String text) implements Output {}

  /** A picture (nbformat {@code display_data} with {@code image/png}), base64 as in a data URI. */
  public record Image(String base64Png, String alt) implements Output {}

  /** An HTML rendering with its plain-text fallback (both stored). */
  public record Html(String html, String plain) implements Output {}

  static final int MAX_ROWS = 20;
  private static final int MAX_TEXT = 60;
  private static final Pattern IMG =
      Pattern.compile(
          "\\s*<img\\s[^>]*?src=[\"']data:image/png;base64,([A-Za-z0-9+/=\\s]+)[\"'][^>]*>\\s*",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern ALT =
      Pattern.compile("\\balt=[\"']([^\"']*)[\"']", Pattern.CASE_INSENSITIVE);

  private static final ByteArrayOutputStream PRINTED = new ByteArrayOutputStream();

  /** Where System.out and scala.Console.out point while a cell runs. */
  static final PrintStream CAPTURE = new PrintStream(PRINTED, true, StandardCharsets.UTF_8);

  private static final List<Output> OUTPUTS = new ArrayList<>();

  private NotebookDisplay() {}

  /** Starts a cell: forgets what the previous one printed. */
  static synchronized void begin() {
    CAPTURE.flush();
    PRINTED.reset();
    OUTPUTS.clear();
  }

  /** Ends a cell: its outputs in order. */
  static synchronized List<Output> end() {
    cutStream();
    List<Output> out = List.copyOf(OUTPUTS);
    OUTPUTS.clear();
    return out;
  }

  private static void cutStream() {
    CAPTURE.flush();
    String text = PRINTED.toString(StandardCharsets.UTF_8);
    PRINTED.reset();
    if (!text.isEmpty()) {
      OUTPUTS.add(new Stream(text));
    }
  }

  /** Databricks' {@code displayHTML}: a lone PNG {@code <img>} is stored as a picture. */
  public static synchronized void html(String html) {
    cutStream();
    Matcher m = IMG.matcher(html);
    if (m.matches()) {
      Matcher alt = ALT.matcher(html);
      OUTPUTS.add(
          new Image(m.group(1).replaceAll("\\s", ""), alt.find() ? alt.group(1) : "picture"));
    } else {
      OUTPUTS.add(new Html(html, html.replaceAll("<[^>]*>", "")));
    }
  }

  /** Databricks' {@code display(df)}: the first rows as an HTML table and as aligned text. */
  public static synchronized void table(Dataset<Row> df) {
    cutStream();
    String[] names = df.columns();
    List<Row> rows = df.limit(MAX_ROWS + 1).collectAsList();
    boolean more = rows.size() > MAX_ROWS;
    if (more) {
      rows = rows.subList(0, MAX_ROWS);
    }
    List<String[]> cells = new ArrayList<>();
    for (Row r : rows) {
      String[] c = new String[names.length];
      for (int i = 0; i < names.length; i++) {
        c[i] = cut(format(r.get(i)));
      }
      cells.add(c);
    }
    String footer = more ? "(first " + MAX_ROWS + " rows)" : "(" + rows.size() + " rows)";
    StringBuilder html = new StringBuilder("<table>\n<thead><tr>");
    for (String n : names) {
      html.append("<th>").append(escape(n)).append("</th>");
    }
    html.append("</tr></thead>\n<tbody>\n");
    for (String[] c : cells) {
      html.append("<tr>");
      for (String v : c) {
        html.append("<td>").append(escape(v)).append("</td>");
      }
      html.append("</tr>\n");
    }
    html.append("</tbody>\n</table>\n<p>").append(footer).append("</p>\n");
    int[] width = new int[names.length];
    for (int i = 0; i < names.length; i++) {
      width[i] = names[i].length();
      for (String[] c : cells) {
        width[i] = Math.max(width[i], c[i].length());
      }
    }
    StringBuilder text = new StringBuilder();
    line(text, names, width);
    StringBuilder rule = new StringBuilder();
    for (int i = 0; i < names.length; i++) {
      rule.append(i == 0 ? "" : "-+-").append("-".repeat(width[i]));
    }
    text.append(rule).append('\n');
    for (String[] c : cells) {
      line(text, c, width);
    }
    text.append(footer).append('\n');
    OUTPUTS.add(new Html(html.toString(), text.toString()));
  }

  private static void line(StringBuilder sb, String[] values, int[] width) {
    for (int i = 0; i < values.length; i++) {
      sb.append(i == 0 ? "" : " | ").append(values[i]);
      sb.append(" ".repeat(width[i] - values[i].length()));
    }
    int end = sb.length();
    while (end > 0 && sb.charAt(end - 1) == ' ') {
      end--;
    }
    sb.setLength(end);
    sb.append('\n');
  }

  /** Numbers to 4 decimals, arrays and vectors as their first values and their size. */
  static String format(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Float || v instanceof Double) {
      return String.format(Locale.ROOT, "%.4f", ((Number) v).doubleValue());
    }
    if (v instanceof Vector vec) {
      return format(
          scala.collection.JavaConverters.seqAsJavaList(
              scala.Predef.wrapDoubleArray(vec.toArray()).toSeq()));
    }
    if (v instanceof scala.collection.Seq<?> seq) {
      return format(scala.collection.JavaConverters.seqAsJavaList(seq));
    }
    if (v instanceof List<?> list) {
      StringBuilder sb = new StringBuilder("[");
      int shown = list.size() > 8 ? 3 : list.size();
      for (int i = 0; i < shown; i++) {
        sb.append(i == 0 ? "" : ", ").append(format(list.get(i)));
      }
      if (shown < list.size()) {
        sb.append(", … (").append(list.size()).append(" values)");
      }
      return sb.append(']').toString();
    }
    if (v instanceof Row row) {
      StringBuilder sb = new StringBuilder("{");
      for (int i = 0; i < row.length(); i++) {
        sb.append(i == 0 ? "" : ", ").append(format(row.get(i)));
      }
      return sb.append('}').toString();
    }
    return v.toString();
  }

  private static String cut(String s) {
    String one = s.replace('\n', ' ');
    return one.length() > MAX_TEXT ? one.substring(0, MAX_TEXT - 1) + "…" : one;
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
