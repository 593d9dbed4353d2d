package dev.packbert.deploy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Executes every notebooks/*.scala (Databricks source notebooks) through Spark's own Scala REPL,
 * cell by cell: the first cell that does not compile or throws fails the test, naming the cell.
 * Each run is stored as notebooks/NAME.ipynb with every cell's outputs, pictures included; the file
 * is rewritten only when the outputs changed in substance ({@link Ipynb#sameInSubstance}), so a
 * rerun on the same code leaves the committed notebooks untouched.
 *
 * <p>A failsafe IT rather than a surefire test: it runs after {@code package}, against the jar the
 * notebooks' users attach, and it is a whole-program run (a Scala compiler, Spark, a model) that
 * the unit-test phase should not wait for. Failsafe lists the full classpath ({@code
 * useManifestOnlyJar=false}), which the REPL compiles the cells against.
 */
class NotebooksIT {
  static final Path ROOT = ClusterSupport.ROOT;
  static final Path NOTEBOOKS = ROOT.resolve("notebooks");

  static Stream<Path> notebooks() throws Exception {
    // -Dpackbert.notebook=01 runs only the notebooks whose name contains "01"
    String only = System.getProperty("packbert.notebook", "");
    try (Stream<Path> files = Files.list(NOTEBOOKS)) {
      return files
          .filter(p -> p.toString().endsWith(".scala"))
          .filter(p -> p.getFileName().toString().contains(only))
          .sorted()
          .toList()
          .stream();
    }
  }

  @ParameterizedTest
  @MethodSource("notebooks")
  void runs(Path notebook) throws Exception {
    String name = notebook.getFileName().toString().replaceFirst("\\.scala$", "");
    DatabricksNotebook nb = DatabricksNotebook.parse(Files.readString(notebook));
    assertTrue(
        nb.cells().stream().anyMatch(c -> c.kind() == DatabricksNotebook.Kind.CODE),
        "no code cells in " + notebook);
    List<Ipynb.ExecutedCell> executed = new ArrayList<>();
    long t0 = System.nanoTime();
    long cpu0 = cpuNanos();
    try (ScalaNotebookRunner repl =
        new ScalaNotebookRunner(
            ClusterSupport.MODULE.resolve("target/notebooks/" + name + "/classes"), name)) {
      System.out.printf("[%s] REPL and Spark up (%.1f s)%n", name, (System.nanoTime() - t0) / 1e9);
      int n = 0;
      for (DatabricksNotebook.Cell cell : nb.cells()) {
        n++;
        if (cell.kind() == DatabricksNotebook.Kind.MARKDOWN) {
          executed.add(new Ipynb.ExecutedCell(cell, List.of()));
          continue;
        }
        String what = name + " cell " + n + " (" + firstLine(cell) + ")";
        long t = System.nanoTime();
        List<NotebookDisplay.Output> outputs = repl.interpret(what, cell.source());
        // timings go to the test log only, never into the stored notebook
        System.out.printf(
            "[%s] cell %d: %.1f s, %d outputs%n",
            name, n, (System.nanoTime() - t) / 1e9, outputs.size());
        executed.add(new Ipynb.ExecutedCell(cell, withoutPaths(outputs)));
      }
    }
    // CPU seconds as well: on a shared machine the wall time says more about the neighbours
    System.out.printf(
        "[%s] executed in %.1f s (this JVM used %.1f CPU s meanwhile)%n",
        name, (System.nanoTime() - t0) / 1e9, (cpuNanos() - cpu0) / 1e9);

    String json = Ipynb.write("notebooks/" + notebook.getFileName(), executed);
    for (var img : Ipynb.pictures(json)) {
      assertNotNull(img, name + ": a stored picture does not decode as PNG");
      assertTrue(img.getWidth() > 0 && img.getHeight() > 0, name + ": empty picture");
    }
    assertFalse(json.contains(ROOT.toString()), name + ": an output holds this checkout's path");
    Path ipynb = NOTEBOOKS.resolve(name + ".ipynb");
    if (Files.exists(ipynb) && Ipynb.sameInSubstance(Files.readString(ipynb), json)) {
      System.out.println(
          "[" + name + "] outputs unchanged in substance: " + ipynb.getFileName() + " kept");
    } else {
      Files.writeString(ipynb, json, StandardCharsets.UTF_8);
      System.out.println("[" + name + "] outputs changed: rewrote " + ipynb.getFileName());
    }
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static String firstLine(DatabricksNotebook.Cell cell) {
    if (!cell.title().isEmpty()) {
      return cell.title();
    }
    String first = cell.source().lines().findFirst().orElse("");
    return first.length() > 60 ? first.substring(0, 57) + "..." : first;
  }

  /**
   * Printed paths of this checkout would churn the file between machines: they read as "<project>".
   */
  private static List<NotebookDisplay.Output> withoutPaths(List<NotebookDisplay.Output> outputs) {
    String root = ROOT.toString();
    return outputs.stream()
        .map(
            o ->
                o instanceof NotebookDisplay.Stream s
                    ? new NotebookDisplay.Stream(s.text().replace(root, "<project>"))
                    : o)
        .toList();
  }
}
