package dev.packbert.deploy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Executes every notebooks/*.jsh (Java "notebooks": cells start with a {@code //% cell: title}
 * line) through the JShell API in this JVM, cell by cell, with the test classpath; a rejected
 * snippet or an exception fails the test. The cells' code and printed output go to
 * notebooks/output/NAME.md (images the cells write sit next to it), so the committed outputs are
 * whatever the last {@code mvn verify} produced.
 */
class NotebooksIT {
  static final Path ROOT =
      Path.of(System.getProperty("packbert.project.dir", ".")).toAbsolutePath();
  static final Path OUT = ROOT.resolve("notebooks/output");

  static Stream<Path> notebooks() throws Exception {
    return Files.list(ROOT.resolve("notebooks"))
        .filter(p -> p.toString().endsWith(".jsh"))
        .sorted();
  }

  record Cell(String title, String code) {}

  static List<Cell> cells(String source) {
    List<Cell> cells = new ArrayList<>();
    String title = null;
    StringBuilder code = new StringBuilder();
    for (String line : source.split("\n", -1)) {
      if (line.startsWith("//% cell:")) {
        if (title != null) {
          cells.add(new Cell(title, code.toString().strip()));
        }
        title = line.substring("//% cell:".length()).strip();
        code.setLength(0);
      } else {
        code.append(line).append('\n');
      }
    }
    if (title != null) {
      cells.add(new Cell(title, code.toString().strip()));
    }
    return cells;
  }

  @ParameterizedTest
  @MethodSource("notebooks")
  void runs(Path notebook) throws Exception {
    String name = notebook.getFileName().toString().replaceFirst("\\.jsh$", "");
    Files.createDirectories(OUT);
    Path work = ROOT.resolve("target/notebooks/" + name);
    System.setProperty("notebook.output.dir", OUT.toString());
    System.setProperty("notebook.work.dir", work.toString());
    List<Cell> cells = cells(Files.readString(notebook));
    assertFalse(cells.isEmpty(), "no cells in " + notebook);
    StringBuilder md =
        new StringBuilder(
            "# "
                + name
                + "\n\nExecuted by NotebooksIT (JShell, cell by cell) from "
                + "notebooks/"
                + notebook.getFileName()
                + ". Generated file: do not edit.\n");
    PrintStream realOut = System.out;
    try (JShell shell = JShell.builder().executionEngine("local").build()) {
      for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
        shell.addToClasspath(entry);
      }
      for (Cell cell : cells) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(buf, true, StandardCharsets.UTF_8);
        long t0 = System.nanoTime();
        System.setOut(capture);
        try {
          evalCell(shell, cell);
        } finally {
          System.setOut(realOut);
        }
        String printed = buf.toString(StandardCharsets.UTF_8);
        // timings go to the test log only, so a rerun does not churn the committed outputs
        realOut.printf(
            "[%s] %s (%.1f s)%n%s%n", name, cell.title(), (System.nanoTime() - t0) / 1e9, printed);
        md.append("\n## ")
            .append(cell.title())
            .append("\n\n```java\n")
            .append(cell.code())
            .append("\n```\n\n")
            .append("Output:\n\n```\n")
            .append(printed.strip())
            .append("\n```\n");
        if (printed.contains(".png")) {
          for (String line : printed.lines().toList()) {
            if (line.startsWith("wrote ") && line.endsWith(".png")) {
              String png = line.substring("wrote ".length());
              assertTrue(Files.size(OUT.resolve(png)) > 0, png);
              md.append("\n![").append(png).append("](").append(png).append(")\n");
            }
          }
        }
      }
    }
    Files.writeString(OUT.resolve(name + ".md"), md.toString());
  }

  static void evalCell(JShell shell, Cell cell) {
    SourceCodeAnalysis sca = shell.sourceCodeAnalysis();
    String remaining = cell.code();
    while (!remaining.isBlank()) {
      SourceCodeAnalysis.CompletionInfo ci = sca.analyzeCompletion(remaining);
      if (!ci.completeness().isComplete()) {
        fail("cell '" + cell.title() + "': incomplete snippet: " + remaining);
      }
      for (SnippetEvent e : shell.eval(ci.source())) {
        if (e.status() == Snippet.Status.REJECTED) {
          String why =
              shell
                  .diagnostics(e.snippet())
                  .map(d -> d.getMessage(java.util.Locale.ROOT))
                  .toList()
                  .toString();
          fail("cell '" + cell.title() + "': rejected " + e.snippet().source() + " " + why);
        }
        if (e.exception() != null) {
          fail(
              "cell '" + cell.title() + "' threw at " + e.snippet().source() + ": " + e.exception(),
              e.exception());
        }
      }
      remaining = ci.remaining();
    }
  }
}
