package dev.packbert.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * bench.png: the sentence-length histogram (why padding wastes so much) next to sentences/s per
 * variant.
 */
public final class BenchPlot {
  private BenchPlot() {}

  public static void write(Path file, int[][] tokens, List<Map<String, Object>> rows)
      throws IOException {
    CategoryChart hist =
        new CategoryChartBuilder()
            .width(700)
            .height(450)
            .title("Sentence length (tokens, clipped to " + BenchCorpus.MAX_TOKENS + ")")
            .xAxisTitle("tokens (bin of 8)")
            .yAxisTitle("sentences")
            .build();
    int bins = BenchCorpus.MAX_TOKENS / 8;
    List<String> labels = new ArrayList<>();
    List<Integer> counts = new ArrayList<>();
    int[] c = new int[bins];
    for (int[] t : tokens) {
      c[Math.min(bins - 1, (t.length - 1) / 8)]++;
    }
    for (int b = 0; b < bins; b++) {
      labels.add(Integer.toString(b * 8 + 8));
      counts.add(c[b]);
    }
    hist.addSeries("sentences", labels, counts);
    hist.getStyler().setLegendVisible(false);
    hist.getStyler().setXAxisLabelRotation(90);

    CategoryChart speed =
        new CategoryChartBuilder()
            .width(700)
            .height(450)
            .title("Sentences per second")
            .xAxisTitle("variant")
            .yAxisTitle("sentences/s")
            .build();
    List<String> names = new ArrayList<>();
    List<Double> rates = new ArrayList<>();
    for (Map<String, Object> r : rows) {
      // peer rows are another model (MiniLM): on one axis with BERT-base they would flatten every
      // other bar
      if (r.get("sentences_per_second") instanceof Double d
          && !((String) r.get("variant")).startsWith("peer-")) {
        names.add((String) r.get("variant"));
        rates.add(d);
      }
    }
    speed.addSeries("sentences/s", names, rates);
    speed.getStyler().setLegendVisible(false);
    speed.getStyler().setXAxisLabelRotation(90);
    speed.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    BitmapEncoder.saveBitmap(
        List.of(hist, speed), 1, 2, file.toString(), BitmapEncoder.BitmapFormat.PNG);
  }
}
