package dev.packbert.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The pieces of {@link NotebooksIT} that need no REPL: reading Databricks source notebooks, writing
 * .ipynb, the rule that keeps reruns from churning it, and the notebooks as committed.
 */
class NotebookFormatsTest {
  static final Path NOTEBOOKS = NotebooksIT.NOTEBOOKS;

  @Test
  void readsDatabricksSourceCells() {
    DatabricksNotebook nb =
        DatabricksNotebook.parse(
            """
            // Databricks notebook source
            // MAGIC %md
            // MAGIC # Title
            // MAGIC
            // MAGIC Some *prose*.

            // COMMAND ----------

            // DBTITLE 1,Count
            val n = spark.range(3).count()
            println(n)

            // COMMAND ----------

            // COMMAND ----------
            display(spark.range(2))
            """);
    assertEquals(3, nb.cells().size());
    assertEquals(DatabricksNotebook.Kind.MARKDOWN, nb.cells().get(0).kind());
    assertEquals("# Title\n\nSome *prose*.", nb.cells().get(0).source());
    assertEquals(
        new DatabricksNotebook.Cell(
            DatabricksNotebook.Kind.CODE, "Count", "val n = spark.range(3).count()\nprintln(n)"),
        nb.cells().get(1));
    assertEquals("display(spark.range(2))", nb.cells().get(2).source());
  }

  @Test
  void rejectsWhatDatabricksWouldNotImportAsScalaNotebook() {
    assertThrows(IllegalArgumentException.class, () -> DatabricksNotebook.parse("val x = 1\n"));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            DatabricksNotebook.parse("// Databricks notebook source\n// MAGIC %sh\n// MAGIC ls\n"));
    assertThrows(
        IllegalArgumentException.class,
        () -> DatabricksNotebook.parse("// Databricks notebook source\n// MAGIC %md\nval x = 1\n"));
  }

  private static String notebook(String printed, BufferedImage picture) throws Exception {
    DatabricksNotebook.Cell md =
        new DatabricksNotebook.Cell(DatabricksNotebook.Kind.MARKDOWN, "", "# T");
    DatabricksNotebook.Cell code =
        new DatabricksNotebook.Cell(DatabricksNotebook.Kind.CODE, "", "println(1)\nprintln(2)");
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(picture, "png", png);
    List<NotebookDisplay.Output> outputs =
        List.of(
            new NotebookDisplay.Stream(printed),
            new NotebookDisplay.Image(
                Base64.getEncoder().encodeToString(png.toByteArray()), "a picture"));
    return Ipynb.write(
        "notebooks/x.scala",
        List.of(new Ipynb.ExecutedCell(md, List.of()), new Ipynb.ExecutedCell(code, outputs)));
  }

  private static BufferedImage picture(int w, int h, int changedPixels) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int i = 0; i < changedPixels; i++) {
      img.setRGB(i % w, i / w, 0xff0000);
    }
    return img;
  }

  @Test
  void writesNbformat4WithOutputsAndPictures() throws Exception {
    JsonNode nb = new ObjectMapper().readTree(notebook("a\nb\n", picture(10, 10, 0)));
    assertEquals(4, nb.get("nbformat").asInt());
    assertEquals("scala", nb.at("/metadata/kernelspec/language").asText());
    assertEquals("scala", nb.at("/metadata/language_info/name").asText());
    assertEquals("markdown", nb.at("/cells/0/cell_type").asText());
    JsonNode code = nb.at("/cells/1");
    assertEquals("code", code.get("cell_type").asText());
    assertEquals("println(1)\n", code.at("/source/0").asText());
    assertEquals("println(2)", code.at("/source/1").asText());
    assertEquals("stream", code.at("/outputs/0/output_type").asText());
    assertEquals("b\n", code.at("/outputs/0/text/1").asText());
    assertEquals("display_data", code.at("/outputs/1/output_type").asText());
    assertNotNull(Ipynb.decode(code.at("/outputs/1/data/image~1png").asText()));
  }

  @Test
  void rerunsThatDifferOnlyInNoiseKeepTheFile() throws Exception {
    String before = notebook("max |alone - packed| 6.6e-07, cosine 0.913\n", picture(100, 100, 0));
    assertTrue(
        Ipynb.sameInSubstance(
            before,
            notebook("max |alone - packed| 1.2e-06, cosine 0.913\n", picture(100, 100, 0))));
    assertTrue(
        Ipynb.sameInSubstance(
            before, notebook("max |alone - packed| 6.6e-07, cosine 0.913\n", picture(100, 100, 3))),
        "3 of 10,000 pixels (anti-aliasing) are no change");
  }

  @Test
  void substantiveChangesRewriteTheFile() throws Exception {
    String before = notebook("max |alone - packed| 6.6e-07, cosine 0.913\n", picture(100, 100, 0));
    assertFalse(
        Ipynb.sameInSubstance(
            before,
            notebook("max |alone - packed| 2.9e+00, cosine 0.913\n", picture(100, 100, 0))));
    assertFalse(
        Ipynb.sameInSubstance(
            before,
            notebook("max |alone - packed| 6.6e-03, cosine 0.913\n", picture(100, 100, 0))));
    assertFalse(
        Ipynb.sameInSubstance(
            before,
            notebook("max |alone - packed| 6.6e-07, cosine 0.914\n", picture(100, 100, 0))));
    assertFalse(
        Ipynb.sameInSubstance(
            before,
            notebook("max |alone - packed| 6.6e-07, cosine 0.913\n", picture(100, 100, 500))));
    assertFalse(
        Ipynb.sameInSubstance(
            before, notebook("max |alone - packed| 6.6e-07, cosine 0.913\n", picture(100, 90, 0))));
  }

  @Test
  void tablesShowArraysShortAndNumbersRounded() {
    assertEquals(
        "[0.1235, -2.0000, 3.0000, … (9 values)]",
        NotebookDisplay.format(List.of(0.12345f, -2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0)));
    assertEquals("[1, 2]", NotebookDisplay.format(List.of(1, 2)));
    assertEquals("null", NotebookDisplay.format(null));
  }

  /** What GitHub shows: every stored notebook has its source, outputs, and pictures that decode. */
  @Test
  void committedNotebooksCarryTheirOutputs() throws Exception {
    List<Path> stored;
    try (var files = Files.list(NOTEBOOKS)) {
      stored = files.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
    }
    assertFalse(stored.isEmpty(), "no .ipynb in notebooks/");
    int pictures = 0;
    for (Path p : stored) {
      Path source = Path.of(p.toString().replaceFirst("\\.ipynb$", ".scala"));
      assertTrue(Files.exists(source), p + " has no Databricks source beside it");
      String json = Files.readString(p);
      JsonNode nb = new ObjectMapper().readTree(json);
      assertEquals(4, nb.get("nbformat").asInt(), p.toString());
      long codeCells = 0;
      long withOutputs = 0;
      for (JsonNode c : nb.get("cells")) {
        if (c.get("cell_type").asText().equals("code")) {
          codeCells++;
          withOutputs += c.get("outputs").size() > 0 ? 1 : 0;
        }
      }
      assertTrue(
          codeCells > 0 && withOutputs == codeCells,
          p + ": " + withOutputs + " of " + codeCells + " code cells have outputs");
      for (BufferedImage img : Ipynb.pictures(json)) {
        assertNotNull(img, p + ": a picture does not decode");
        pictures++;
      }
      assertFalse(json.contains(NotebooksIT.ROOT.toString()), p + " holds this checkout's path");
    }
    assertTrue(pictures >= 3, "histogram, mask and cluster pictures expected, found " + pictures);
  }
}
