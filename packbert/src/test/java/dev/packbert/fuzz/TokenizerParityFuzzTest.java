package dev.packbert.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.packbert.text.HfReference;
import dev.packbert.text.ParityVocabularies;
import dev.packbert.text.ScriptStrings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Random;

/**
 * The tokenizer against HuggingFace tokenizers (the oracle) on fuzzed text, for the uncased
 * English, Chinese and multilingual cased vocabularies: any valid string, and strings built from
 * one script's pool ({@link ScriptStrings}) steered by the fuzzer. In the normal run only the seeds
 * under TokenizerParityFuzzTestInputs run (the many-thousand-string comparison of every run is
 * TokenizerScriptParityTest); JAZZER_FUZZ=1 explores for the test's duration.
 */
class TokenizerParityFuzzTest {
  private static final List<ParityVocabularies> VOCABULARIES;

  static {
    try {
      VOCABULARIES = ParityVocabularies.all(Files.createTempDirectory("tokenizer-parity"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Any string without unpaired surrogates (UTF-8 text never has them, nor HF's input). */
  @FuzzTest(maxDuration = "2m")
  void anyText(FuzzedDataProvider data) {
    compare(data.consumeRemainingAsString());
  }

  /** A script's characters, with separators, controls and over-long words between them. */
  @FuzzTest(maxDuration = "2m")
  void scriptText(FuzzedDataProvider data) {
    List<String> names = ScriptStrings.names();
    String script = names.get(data.consumeInt(0, names.size() - 1));
    int pieces = data.consumeInt(1, 60);
    compare(ScriptStrings.random(script, new Random(data.consumeLong()), pieces));
  }

  private static void compare(String text) {
    for (ParityVocabularies v : VOCABULARIES) {
      assertArrayEquals(
          HfReference.encode(v.hf(), text), v.ours().encode(text), v.name() + ": " + text);
    }
  }
}
