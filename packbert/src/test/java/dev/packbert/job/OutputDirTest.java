package dev.packbert.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputDirTest {
  @TempDir Path dir;

  @Test
  void writesReplaceWholeFilesAndLeaveNoTemporaryBehind() throws Exception {
    OutputDir out = new OutputDir(dir.toUri().toString(), new Configuration());
    Files.createDirectories(dir.resolve(OutputDir.SLICES));
    out.write(OutputDir.SLICES + "/00001.json", "{\"first\": true}");
    out.write(OutputDir.SLICES + "/00001.json", "{\"second\": true}");

    assertEquals("{\"second\": true}", out.readOptional(OutputDir.SLICES + "/00001.json").get());
    try (Stream<Path> files = Files.list(dir.resolve(OutputDir.SLICES))) {
      List<String> names =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> !n.endsWith(".crc")) // the local file system's checksum side files
              .toList();
      assertEquals(List.of("00001.json"), names);
    }
  }

  @Test
  void aHalfWrittenTemporaryDoesNotCountAsACommittedSlice() throws Exception {
    OutputDir out = new OutputDir(dir.toUri().toString(), new Configuration());
    Path slices = Files.createDirectories(dir.resolve(OutputDir.SLICES));
    // what a driver killed between create and rename leaves
    Files.writeString(slices.resolve(".00002.json.0f3c.tmp"), "{\"slice\": 2, \"sen");
    assertTrue(out.committedSlices().isEmpty());
  }
}
