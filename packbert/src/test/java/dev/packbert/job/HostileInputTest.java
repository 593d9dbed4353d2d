package dev.packbert.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job on input built to hurt: nulls, blanks, a 5 MB document, a 10,000-token sentence,
 * control and zero-width characters, lone surrogates, invalid UTF-8, duplicate and missing ids, a
 * malformed JSON line, mixed scripts and 50,000 one-word documents. Every input row must be
 * accounted for: embedded (≥ 1 sentence per accepted document) or listed in {@code _rejected} with
 * its reason, and the summary's counts must agree with what was written.
 *
 * <p>Cost: the one-word documents dominate (50,000 since 2026-12-07: 100,000 took 79 s of a CI run
 * that had reached 24.5 of its 25 minutes; the accounting is the same at either count). Measured
 * with 100,000: with the default SPFHP packer they pack only ~2 per row (SPFHP adds at most one
 * item of each length to a pack; 10,518 rows, 260 s on 2 cores); with LPFHP ~36 per row (4,080
 * rows, 155 s with multi-piece words). So this test packs with {@code --packing lpfhp} and uses
 * single-piece words (3 tokens per document): 307k tokens in 2,446 rows. Measured job time for the
 * JSONL corpus: 192 s with a fuzzer busy on one of the 2 cores, 387 s with the shared machine at
 * load average 7; the embedding itself (~300k tokens of MiniLM) dominates.
 */
class HostileInputTest {
  /**
   * \\uXXXX escapes for everything non-ASCII, so lone surrogates survive the trip through the file.
   */
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

  private static final int ONE_WORD_DOCS = 50_000;
  private static final int MAX_SEQ = 128;

  /** Each a single WordPiece of the uncased vocabulary, so a one-word document is 3 tokens. */
  private static final String[] WORDS =
      ("the of and to in was he is for on as with by she at from his an were are "
              + "which this also be has or had first one their its new after but who not they have her two been other when "
              + "there all during into school time may years more most only over city some world would where later up such "
              + "used many can state about national out known university united then made")
          .split(" ");

  @TempDir static Path tmp;

  @org.junit.jupiter.api.BeforeAll
  static void noLeftoverSpark() {
    JobRuns.stopLeftoverSpark(); // the CLI must run with its own settings, not an earlier test's
    // session
  }

  @AfterAll
  static void stopSpark() {
    SparkSession.getActiveSession()
        .foreach(
            s -> {
              s.stop();
              return null;
            });
  }

  /** What the corpus should produce: the accepted ids and the rejected (id, reason) pairs. */
  private static final class Expected {
    long inputRows;
    final Set<String> accepted = new HashSet<>();
    final List<String> rejected = new ArrayList<>(); // "id|reason", id may be "null"

    void accept(String id) {
      inputRows++;
      accepted.add(id);
    }

    void reject(String id, String reason) {
      inputRows++;
      rejected.add(id + "|" + reason);
    }

    Map<String, Long> reasons() {
      Map<String, Long> m = new TreeMap<>();
      for (String r : rejected) {
        m.merge(r.substring(r.lastIndexOf('|') + 1), 1L, Long::sum);
      }
      return m;
    }
  }

  @Test
  void jsonlCorpusIsFullyAccountedFor() throws Exception {
    Path input = tmp.resolve("hostile.jsonl");
    Expected exp = new Expected();
    try (BufferedWriter w = Files.newBufferedWriter(input, StandardCharsets.UTF_8)) {
      line(w, exp, "null-text", null, "null_text");
      w.write("{\"id\":\"missing-text\"}\n");
      exp.reject("missing-text", "null_text");
      line(w, exp, "empty", "", "empty_text");
      line(w, exp, "whitespace", " \t\n \u00a0\u2003\u3000\r\n ", "empty_text");
      w.write("{\"text\":\"a document without an id field.\"}\n");
      exp.reject("null", "null_id");
      line(w, exp, null, "explicit null id.", "null_id");
      w.write("{\"id\":\"broken\",\"text\":\"unterminated string\n");
      exp.reject("null", "unparseable_record"); // a corrupt record has no id to report
      line(w, exp, "big", bigDocument(), null);
      line(w, exp, "tenk", tenThousandTokens(), null);
      line(
          w,
          exp,
          "controls",
          "bell\u0007 escape\u001b NUL\u0000 inside. DEL\u007f and C1\u0085\u009f too.",
          null);
      line(
          w,
          exp,
          "zero-width",
          "zero\u200bwidth\u200c non\u200djoiner bom\ufeff soft\u00adhyphen\u2060 joiner.",
          null);
      line(w, exp, "zero-width-only", "\u200b\u200b\ufeff\u200d", null);
      line(w, exp, "controls-only", "\u0001\u0002\u0003\u007f", null);
      line(
          w, exp, "lone-surrogates", "before \ud800 middle \udfff after. \udbff\udfff pair.", null);
      line(w, exp, "dup", "The first document with this id.", null);
      line(w, exp, "dup", "The second document with this id. It has two sentences.", null);
      line(
          w,
          exp,
          "mixed",
          "Hello мир 世界! مرحبا بالعالم. שלום עולם. नमस्ते दुनिया। Γειά σου κόσμε. 🙂👍🏽 "
              + "e\u0301 ﬁ ＡＢＣ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢.",
          null);
      w.write("{\"id\":12345,\"text\":\"a numeric id.\"}\n");
      exp.accept("12345");
      for (int i = 0; i < ONE_WORD_DOCS; i++) {
        line(w, exp, String.format("w%06d", i), WORDS[i % WORDS.length], null);
      }
    }
    Path out = tmp.resolve("out-jsonl");
    long t0 = System.nanoTime();
    JobRuns.Result r =
        JobRuns.run(
            "embed",
            "--input",
            input.toString(),
            "--output",
            out.toString(),
            "--model",
            "all-minilm-l6-v2",
            "--master",
            "local[2]",
            "--split",
            "sentences",
            "--packing",
            "lpfhp",
            "--max-seq-length",
            Integer.toString(MAX_SEQ),
            "--conf",
            "packbert.keep-session=true");
    System.out.printf(
        "hostile jsonl corpus: %d rows, job %.1f s%n",
        exp.inputRows, (System.nanoTime() - t0) / 1e9);
    assertEquals(0, r.exit(), r.stderr());

    Dataset<Row> sentences = checkAccounting(out, exp, true);
    // the 10,000-token sentence has no punctuation, so it is one sentence, cut to the row length
    List<Row> tenk =
        sentences
            .where(col("doc_id").equalTo("tenk"))
            .select("num_tokens", "truncated")
            .collectAsList();
    assertEquals(1, tenk.size());
    assertTrue(tenk.get(0).getInt(0) >= 10_000, "num_tokens keeps the sentence's own length");
    assertTrue(tenk.get(0).getBoolean(1));
    assertTrue(
        sentences.where(col("doc_id").equalTo("big").and(col("truncated"))).count() > 0,
        "the 5 MB document's long sentences are truncated");
    assertEquals(
        2,
        sentences.where(col("doc_id").equalTo("dup").and(col("sentence_index").equalTo(0))).count(),
        "both documents with the duplicate id keep their first sentence");
  }

  @Test
  void textFileWithInvalidUtf8IsFullyAccountedFor() throws Exception {
    Path input = tmp.resolve("hostile.txt");
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    Expected exp = new Expected();
    // text format: the id is the 0-based line number
    String[] lines = {
      "A plain first line.", null, "", "   \t ", null, null, "\u00a0", "Last line, no newline."
    };
    byte[][] raw = {
      null,
      bytes("bad bytes ", 0xC3, 0x28, " here ", 0xFF, 0xFE, " end."),
      null,
      null,
      bytes("", 0xFF, 0xFF, 0xFF),
      bytes(
          "overlong ", 0xC0, 0xAF, " and cut ", 0xE2, 0x82, " and control ", 0x01, 0x00, " bytes."),
      null,
      null,
    };
    for (int i = 0; i < lines.length; i++) {
      byte[] content = raw[i] != null ? raw[i] : lines[i].getBytes(StandardCharsets.UTF_8);
      b.write(content);
      if (i < lines.length - 1) {
        b.write('\n');
      }
      String id = Integer.toString(i);
      if (lines[i] != null && blank(lines[i])) {
        exp.reject(id, "empty_text");
      } else {
        exp.accept(id); // invalid bytes decode to U+FFFD, which is not blank: the row is embedded
      }
    }
    Files.write(input, b.toByteArray());
    Path out = tmp.resolve("out-text");
    JobRuns.Result r =
        JobRuns.run(
            "embed",
            "--input",
            input.toString(),
            "--output",
            out.toString(),
            "--input-format",
            "text",
            "--model",
            "all-minilm-l6-v2",
            "--max-seq-length",
            Integer.toString(MAX_SEQ),
            "--master",
            "local[2]",
            "--split",
            "sentences",
            "--conf",
            "packbert.keep-session=true");
    assertEquals(0, r.exit(), r.stderr());
    checkAccounting(out, exp, true);
  }

  @Test
  void duplicateIdsWithSplitOverLengthSentencesStayTwoDocuments() throws Exception {
    // --over-length split joins a long sentence's windows again by (doc_id, sentence_index): two
    // documents
    // that share an id must still come out as two sentences, not one merged vector
    Path input = tmp.resolve("dup-split.jsonl");
    Expected exp = new Expected();
    try (BufferedWriter w = Files.newBufferedWriter(input, StandardCharsets.UTF_8)) {
      line(w, exp, "same", tenThousandTokens().substring(0, 2_000), null);
      line(
          w,
          exp,
          "same",
          "a different text entirely " + tenThousandTokens().substring(0, 1_500),
          null);
      line(w, exp, "same", tenThousandTokens().substring(0, 2_000), null); // an exact duplicate row
      line(w, exp, "other", "a short one.", null);
    }
    Path out = tmp.resolve("out-dup-split");
    JobRuns.Result r =
        JobRuns.run(
            "embed",
            "--input",
            input.toString(),
            "--output",
            out.toString(),
            "--model",
            "all-minilm-l6-v2",
            "--max-seq-length",
            Integer.toString(MAX_SEQ),
            "--master",
            "local[2]",
            "--split",
            "none",
            "--over-length",
            "split",
            "--conf",
            "packbert.keep-session=true");
    assertEquals(0, r.exit(), r.stderr());
    Dataset<Row> sentences = checkAccounting(out, exp, false);
    assertEquals(4, sentences.count(), "one row per document");
    assertEquals(
        3,
        sentences.where(col("doc_id").equalTo("same")).count(),
        "each document with id 'same' keeps its row");
    assertEquals(
        2, sentences.where(col("doc_id").equalTo("same")).select("text").distinct().count());
  }

  /** The checks every corpus must pass; returns the sentence output for corpus-specific checks. */
  private static Dataset<Row> checkAccounting(Path out, Expected exp, boolean truncateMode)
      throws IOException {
    JsonNode summary = JobRuns.summary(out);
    System.out.println("summary: " + summary.toString().replaceAll("\"settings\":\\{.*?\\}", ""));
    long inputRows = summary.get("input_rows").asLong();
    long documents = summary.get("documents").asLong();
    long rejectedRows = summary.get("rejected_rows").asLong();
    assertEquals(exp.inputRows, inputRows, "input_rows");
    assertEquals(inputRows, documents + rejectedRows, "input_rows == documents + rejected_rows");
    assertEquals(exp.rejected.size(), rejectedRows, "rejected_rows");
    assertEquals(0, summary.get("failed_rows").asLong(), "failed_rows");
    Map<String, Long> byReason = new TreeMap<>();
    summary
        .get("rejected_by_reason")
        .fields()
        .forEachRemaining(e -> byReason.put(e.getKey(), e.getValue().asLong()));
    assertEquals(exp.reasons(), byReason, "rejected_by_reason");

    List<String> listed = new ArrayList<>();
    for (JsonNode n : JobRuns.jsonLines(out.resolve("_rejected"))) {
      assertTrue(
          n.path("sentence_index").isMissingNode() || n.get("sentence_index").isNull(),
          "document-level rejections carry no sentence index: " + n);
      listed.add(
          (n.hasNonNull("doc_id") ? n.get("doc_id").asText() : "null")
              + "|"
              + n.get("reason").asText());
    }
    assertEquals(
        sorted(exp.rejected),
        sorted(listed),
        "OUTPUT/_rejected lists every rejected row with its reason");

    SparkSession spark =
        SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false").getOrCreate();
    Dataset<Row> sentences = spark.read().parquet(out.resolve("sentences").toString()).cache();
    assertEquals(
        summary.get("sentences").asLong(), sentences.count(), "summary.sentences == rows written");
    Set<String> embeddedIds = new HashSet<>();
    for (Row row : sentences.select("doc_id").distinct().collectAsList()) {
      embeddedIds.add(row.getString(0));
    }
    assertEquals(
        exp.accepted, embeddedIds, "every accepted document (and no other) has ≥ 1 sentence");
    // num_tokens is the sentence's own length; with truncation only truncated sentences exceed the
    // row
    assertEquals(
        0,
        sentences
            .where(
                col("num_tokens")
                    .lt(2)
                    .or(
                        col("num_tokens")
                            .gt(MAX_SEQ)
                            .and(functions.not(col("truncated")))
                            .and(lit(truncateMode))))
            .count(),
        "num_tokens ≥ 2, and > max-seq-length only when truncated");
    assertEquals(
        0, sentences.where(col("mean").isNull()).count(), "every written sentence has a vector");
    assertEquals(
        summary.get("truncated").asLong(),
        sentences.where(col("truncated")).count(),
        "summary.truncated == truncated rows written");
    // no (doc_id, sentence_index) appears more often than its document id does (duplicates are two
    // documents)
    long distinctKeys = sentences.select("doc_id", "sentence_index", "begin").distinct().count();
    assertTrue(distinctKeys >= sentences.count() - 2, "sentences are not duplicated");
    return sentences;
  }

  private static void line(BufferedWriter w, Expected exp, String id, String text, String reason)
      throws IOException {
    ObjectNode n = JSON.createObjectNode();
    n.put("id", id);
    n.put("text", text);
    w.write(JSON.writeValueAsString(n));
    w.write('\n');
    if (reason == null) {
      exp.accept(id);
    } else {
      exp.reject(String.valueOf(id), reason);
    }
  }

  /** ~5 MB: long unpunctuated runs of words with a full stop every ~100,000 characters. */
  private static String bigDocument() {
    StringBuilder sb = new StringBuilder(5_300_000);
    String[] words = {
      "lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit", "sed", "do"
    };
    int i = 0;
    while (sb.length() < 5_000_000) {
      sb.append(words[i % words.length]).append(' ');
      i++;
      if (i % 15_000 == 0) {
        sb.setLength(sb.length() - 1);
        sb.append(". ");
      }
    }
    return sb.toString();
  }

  private static String tenThousandTokens() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 10_000; i++) {
      sb.append(i % 2 == 0 ? "the " : "house ");
    }
    return sb.toString().trim();
  }

  /**
   * The job's definition: only whitespace or Unicode space separators (so NBSP is blank, unlike
   * String.isBlank).
   */
  private static boolean blank(String s) {
    return s.codePoints().allMatch(cp -> Character.isWhitespace(cp) || Character.isSpaceChar(cp));
  }

  private static byte[] bytes(Object... parts) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (Object p : parts) {
      if (p instanceof String s) {
        b.writeBytes(s.getBytes(StandardCharsets.UTF_8));
      } else {
        b.write((Integer) p);
      }
    }
    return b.toByteArray();
  }

  private static List<String> sorted(List<String> l) {
    List<String> c = new ArrayList<>(l);
    c.sort(null);
    return c;
  }
}
