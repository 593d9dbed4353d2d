package dev.packbert.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SentencePackerTest {
  static SparkSession spark;

  static final StructType INPUT =
      new StructType(
          new StructField[] {
            DataTypes.createStructField("doc_id", DataTypes.StringType, true),
            DataTypes.createStructField("sentence_index", DataTypes.IntegerType, false),
            DataTypes.createStructField("begin", DataTypes.IntegerType, false),
            DataTypes.createStructField("end", DataTypes.IntegerType, false),
            DataTypes.createStructField("text", DataTypes.StringType, true),
            DataTypes.createStructField(
                "token_ids", DataTypes.createArrayType(DataTypes.IntegerType), true),
          });

  @BeforeAll
  static void start() {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("SentencePackerTest")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static Dataset<Row> input(List<PackedRowsCheck.Source> src, int partitions) {
    List<Row> rows = new ArrayList<>();
    for (PackedRowsCheck.Source s : src) {
      List<Integer> ids = new ArrayList<>();
      for (int t : s.tokens()) {
        ids.add(t);
      }
      rows.add(
          RowFactory.create(
              s.docId(),
              s.sentenceIndex(),
              s.sentenceIndex() * 10,
              s.sentenceIndex() * 10 + 9,
              "s" + s.sentenceIndex(),
              ids));
    }
    return spark.createDataFrame(rows, INPUT).repartition(partitions);
  }

  /** Back from Spark rows to PackedRow so the same independent checks apply. */
  static List<PackedRow> collect(Dataset<Row> out) {
    List<PackedRow> rows = new ArrayList<>();
    for (Row r : out.collectAsList()) {
      int[] ids = ints(r.getList(0));
      List<PackedRow.Placement> placements = new ArrayList<>();
      for (Row s : r.<Row>getList(5)) {
        int offset = s.getInt(5);
        int length = s.getInt(6);
        int[] tokens = java.util.Arrays.copyOfRange(ids, offset, offset + length);
        assertEquals("s" + s.getInt(1), s.getString(4));
        assertEquals(s.getInt(1) * 10, s.getInt(2));
        assertEquals(s.getInt(1) * 10 + 9, s.getInt(3));
        SentencePiece p =
            new SentencePiece(
                s.getString(0),
                s.getInt(1),
                s.getInt(2),
                s.getInt(3),
                s.getString(4),
                tokens,
                s.getInt(7),
                s.getBoolean(8),
                s.getInt(9),
                s.getInt(10),
                s.isNullAt(11) ? null : s.getString(11));
        placements.add(new PackedRow.Placement(p, offset, length));
      }
      rows.add(
          new PackedRow(
              ids,
              ints(r.getList(1)),
              ints(r.getList(2)),
              ints(r.getList(3)),
              r.getInt(4),
              placements));
    }
    return rows;
  }

  static int[] ints(List<Integer> l) {
    return l.stream().mapToInt(Integer::intValue).toArray();
  }

  @Test
  void coversEveryInputOnceWithSmallWindows() {
    List<PackedRowsCheck.Source> src = WindowPackerTest.corpus(new Random(5), 60, 40, 70);
    for (String algo : List.of("spfhp", "lpfhp", "ffd", "none")) {
      PackingStats stats = PackingStats.register(spark.sparkContext());
      SentencePacker packer =
          new SentencePacker()
              .setMaxSeqLength(64)
              .setAlgorithm(algo)
              .setWindow(50)
              .setMaxSentencesPerRow(5)
              .setStats(stats);
      List<PackedRow> rows = collect(packer.transform(input(src, 3)));
      PackedRowsCheck.check(src, rows, 64, 5, OverLength.TRUNCATE, 0, false, false);
      assertEquals(src.size(), stats.sentences(), algo);
      assertEquals(rows.size(), stats.rows(), algo);
      assertEquals(64L * rows.size(), stats.tokenSlots());
      long real = rows.stream().mapToLong(PackedRow::numRealTokens).sum();
      assertEquals(real, stats.realTokens());
      long over = src.stream().filter(s -> s.tokens().length > 64).count();
      assertEquals(over, stats.truncated());
      assertTrue(over > 0, "the corpus has over-length sentences");
      assertEquals(0, stats.splitSentences());
    }
  }

  @Test
  void documentScopeWithSplitNeverMixesDocs() {
    List<PackedRowsCheck.Source> src = WindowPackerTest.corpus(new Random(6), 80, 20, 90);
    SentencePacker packer =
        new SentencePacker()
            .setMaxSeqLength(32)
            .setScope("document")
            .setWindow(33)
            .setOverLength("split")
            .setSplitStride(4)
            .setAlgorithm("lpfhp");
    List<PackedRow> rows = collect(packer.transform(input(src, 2)));
    PackedRowsCheck.check(src, rows, 32, 64, OverLength.SPLIT, 4, true, false);
    PackingStats stats = packer.getLastStats();
    long split = src.stream().filter(s -> s.tokens().length > 32).count();
    assertEquals(split, stats.splitSentences());
    long pieces =
        rows.stream()
            .mapToLong(r -> r.sentences().stream().filter(p -> p.piece().numParts() > 1).count())
            .sum();
    assertEquals(pieces, stats.splitPieces());
    assertEquals(0, stats.truncated());
  }

  @Test
  void defaultsAndSchema() {
    SentencePacker p = new SentencePacker();
    assertEquals(128, p.getMaxSeqLength());
    assertEquals("spfhp", p.getAlgorithm());
    assertEquals(64, p.getMaxSentencesPerRow());
    assertEquals(10000, p.getWindow());
    assertEquals("partition", p.getScope());
    assertEquals("truncate", p.getOverLength());
    assertEquals(32, p.getSplitStride());
    assertEquals(PackedSchema.ROW, p.transformSchema(INPUT));
    StructType wrong = INPUT.add("x", DataTypes.IntegerType);
    assertThrows(
        IllegalArgumentException.class,
        () ->
            p.copy(new org.apache.spark.ml.param.ParamMap())
                .setTokenIdsCol("x")
                .transformSchema(wrong));
    assertThrows(
        IllegalArgumentException.class,
        () -> new SentencePacker().setDocIdCol("nope").transformSchema(INPUT));
    assertThrows(IllegalArgumentException.class, () -> new SentencePacker().setAlgorithm("best"));
  }

  @Test
  void pipelineSaveLoadGivesIdenticalOutput(@TempDir Path dir) throws Exception {
    List<PackedRowsCheck.Source> src = WindowPackerTest.corpus(new Random(7), 30, 30, 50);
    Dataset<Row> in = input(src, 2).cache();
    SentencePacker packer =
        new SentencePacker()
            .setMaxSeqLength(48)
            .setAlgorithm("lpfhp")
            .setWindow(77)
            .setScope("document")
            .setOverLength("split")
            .setSplitStride(3)
            .setMaxSentencesPerRow(4);
    PipelineModel model = new Pipeline().setStages(new PipelineStage[] {packer}).fit(in);
    String path = dir.resolve("pipeline").toString();
    model.write().overwrite().save(path);
    PipelineModel loaded = PipelineModel.load(path);
    SentencePacker back = (SentencePacker) loaded.stages()[0];
    assertEquals(packer.uid(), back.uid());
    assertEquals(48, back.getMaxSeqLength());
    assertEquals("lpfhp", back.getAlgorithm());
    assertEquals(77, back.getWindow());
    assertEquals("document", back.getScope());
    assertEquals("split", back.getOverLength());
    assertEquals(3, back.getSplitStride());
    assertEquals(4, back.getMaxSentencesPerRow());
    List<Row> a = model.transform(in).collectAsList();
    List<Row> b = loaded.transform(in).collectAsList();
    assertEquals(a, b);
    assertTrue(a.size() > 0);

    String stagePath = dir.resolve("stage").toString();
    packer.save(stagePath);
    assertEquals(a, SentencePacker.load(stagePath).transform(in).collectAsList());
  }

  /** The partition function reads at most one window ahead of what it has handed out. */
  @Test
  void partitionFunctionStreams() {
    int[] consumed = {0};
    java.util.Iterator<Row> source =
        new java.util.Iterator<>() {
          @Override
          public boolean hasNext() {
            return consumed[0] < 1_000_000;
          }

          @Override
          public Row next() {
            int i = consumed[0]++;
            // Spark hands array columns to row code as Scala Seqs
            return RowFactory.create(
                "d" + (i / 100),
                i % 100,
                0,
                1,
                "t",
                scala.collection.JavaConverters.asScalaBuffer(List.of(101, 7, 102)).toSeq());
          }
        };
    PartitionPacking f =
        new PartitionPacking(
            new PartitionPacking.Columns(0, 1, 2, 3, 4, 5, -1),
            new WindowPacker(PackingAlgorithm.LPFHP, 16, 64, PackingScope.PARTITION),
            16,
            500,
            OverLength.TRUNCATE,
            0,
            PackingStats.register(spark.sparkContext()));
    java.util.Iterator<Row> out = f.call(source);
    for (int k = 0; k < 3; k++) {
      assertTrue(out.hasNext());
      out.next();
    }
    assertEquals(500, consumed[0]);
    int rows = 3;
    while (consumed[0] <= 500) {
      out.next();
      rows++;
    }
    assertEquals(1000, consumed[0]);
    assertEquals(500 / 5 + 1, rows, "a row holds five 3-token sentences at L=16");
  }
}
