package dev.packbert.pack;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The per-partition work of {@link SentencePacker}: reads sentences lazily, packs every {@code
 * window} pieces, and hands rows out before reading further, so a task holds at most one window
 * (plus the pieces of one split sentence) whatever the partition size.
 */
final class PartitionPacking implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  /** Positions of the input columns in the input row. */
  record Columns(
      int docId, int sentenceIndex, int begin, int end, int text, int tokenIds, int unitKey)
      implements java.io.Serializable {}

  private final Columns cols;
  private final WindowPacker packer;
  private final int maxSeqLength;
  private final int window;
  private final OverLength overLength;
  private final int splitStride;
  private final PackingStats stats;
  private final long pass;

  PartitionPacking(
      Columns cols,
      WindowPacker packer,
      int maxSeqLength,
      int window,
      OverLength overLength,
      int splitStride,
      PackingStats stats) {
    this.cols = cols;
    this.packer = packer;
    this.maxSeqLength = maxSeqLength;
    this.window = window;
    this.overLength = overLength;
    this.splitStride = splitStride;
    this.stats = stats;
    this.pass = stats.newPass();
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    return new Iterator<>() {
      private final ArrayDeque<Row> ready = new ArrayDeque<>();

      @Override
      public boolean hasNext() {
        while (ready.isEmpty() && input.hasNext()) {
          fill(input, ready);
        }
        return !ready.isEmpty();
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return ready.poll();
      }
    };
  }

  private void fill(Iterator<Row> input, ArrayDeque<Row> ready) {
    List<SentencePiece> buffer = new ArrayList<>(Math.min(window, 1 << 16));
    while (buffer.size() < window && input.hasNext()) {
      SentencePiece s = read(input.next());
      List<SentencePiece> pieces = overLength.apply(s, maxSeqLength, splitStride);
      stats.addSentence(pass, pieces.size(), pieces.get(0).truncated());
      buffer.addAll(pieces);
    }
    for (List<SentencePiece> row : packer.pack(buffer)) {
      int width = packer.rowWidth(row);
      PackedRow packed = PackedRowBuilder.build(row, width);
      stats.addRow(pass, packed.numRealTokens(), width);
      ready.add(toRow(packed));
    }
  }

  private SentencePiece read(Row r) {
    List<Integer> ids = r.isNullAt(cols.tokenIds()) ? List.of() : r.getList(cols.tokenIds());
    int[] tokens = new int[ids.size()];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = ids.get(i);
    }
    return SentencePiece.whole(
        r.getString(cols.docId()),
        r.getInt(cols.sentenceIndex()),
        r.getInt(cols.begin()),
        r.getInt(cols.end()),
        r.getString(cols.text()),
        tokens,
        cols.unitKey() < 0 ? null : r.getString(cols.unitKey()));
  }

  static Row toRow(PackedRow p) {
    Row[] sentences = new Row[p.sentences().size()];
    for (int i = 0; i < sentences.length; i++) {
      PackedRow.Placement pl = p.sentences().get(i);
      SentencePiece s = pl.piece();
      sentences[i] =
          RowFactory.create(
              s.docId(),
              s.sentenceIndex(),
              s.begin(),
              s.end(),
              s.text(),
              pl.offset(),
              pl.length(),
              s.numTokens(),
              s.truncated(),
              s.part(),
              s.numParts(),
              s.unitKey());
    }
    return RowFactory.create(
        p.inputIds(),
        p.segmentIds(),
        p.positionIds(),
        p.tokenTypeIds(),
        p.numRealTokens(),
        sentences);
  }
}
