package dev.packbert.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.packbert.model.TinyBert;
import dev.packbert.weights.SafetensorsWriter;
import dev.packbert.weights.TinyVocabulary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model folder that does not say how it pools (weights, config and vocabulary only) gets one line
 * at start naming the pooling and normalization chosen.
 */
class BareModelFolderTest {
  @TempDir Path tmp;

  @Test
  void aBareFolderLogsThePoolingAndNormalizationChosenInOneLine() throws Exception {
    JobRuns.stopLeftoverSpark();
    Path model = tmp.resolve("bare");
    SafetensorsWriter.writeBertDirectory(TinyBert.weights(11, false), model, TinyVocabulary.TOKENS);
    Path input = Files.writeString(tmp.resolve("docs.txt"), "It is good. We vote today.\n");
    JobRuns.Result r;
    List<String> logged;
    try (LogCapture log = new LogCapture()) {
      r =
          JobRuns.run(
              "embed",
              "--input",
              input.toString(),
              "--output",
              tmp.resolve("out").toString(),
              "--model",
              model.toString(),
              "--max-seq-length",
              "16",
              "--config",
              Files.writeString(tmp.resolve("small.conf"), "packbert { split-stride = 4 }\n")
                  .toString(),
              "--master",
              "local[1]");
      logged = log.lines();
    }
    assertEquals(0, r.exit(), r.stderr());
    List<String> lines = logged.stream().filter(l -> l.contains("declares no pooling")).toList();
    assertEquals(1, lines.size(), String.join("\n", logged));
    assertTrue(lines.get(0).contains("pooling [mean], normalize false"), lines.get(0));
  }
}
