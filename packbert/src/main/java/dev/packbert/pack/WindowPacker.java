package dev.packbert.pack;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Packs one buffered window of pieces into rows, honouring the scope. Pure Java, shared by Spark
 * and the report.
 */
public final class WindowPacker implements Serializable {
  private static final long serialVersionUID = 1L;

  private final PackingAlgorithm algorithm;
  private final int maxSeqLength;
  private final int maxSentencesPerRow;
  private final PackingScope scope;
  private final boolean narrowRows;

  /** Every row {@code maxSeqLength} wide. */
  public WindowPacker(
      PackingAlgorithm algorithm, int maxSeqLength, int maxSentencesPerRow, PackingScope scope) {
    this(algorithm, maxSeqLength, maxSentencesPerRow, scope, false);
  }

  /**
   * With {@code narrowRows}, rows of short sentences are half as wide ({@link NarrowRowPacker}).
   */
  public WindowPacker(
      PackingAlgorithm algorithm,
      int maxSeqLength,
      int maxSentencesPerRow,
      PackingScope scope,
      boolean narrowRows) {
    this.algorithm = algorithm;
    this.maxSeqLength = maxSeqLength;
    this.maxSentencesPerRow = maxSentencesPerRow;
    this.scope = scope;
    this.narrowRows = narrowRows;
  }

  /** The width a packed row of these pieces is stored and fed at. */
  public int rowWidth(List<SentencePiece> row) {
    if (!narrowRows) {
      return maxSeqLength;
    }
    int fill = 0;
    for (SentencePiece p : row) {
      fill += Math.max(1, p.length());
    }
    return NarrowRowPacker.width(fill, maxSeqLength);
  }

  /** Rows of pieces; documents keep their order of first appearance in the window. */
  public List<List<SentencePiece>> pack(List<SentencePiece> window) {
    if (scope == PackingScope.PARTITION) {
      return packGroup(window);
    }
    Map<String, List<SentencePiece>> byDoc = new LinkedHashMap<>();
    for (SentencePiece p : window) {
      byDoc.computeIfAbsent(p.docId(), k -> new ArrayList<>()).add(p);
    }
    List<List<SentencePiece>> rows = new ArrayList<>();
    for (List<SentencePiece> doc : byDoc.values()) {
      rows.addAll(packGroup(doc));
    }
    return rows;
  }

  private List<List<SentencePiece>> packGroup(List<SentencePiece> group) {
    int[] lengths = new int[group.size()];
    for (int i = 0; i < lengths.length; i++) {
      lengths[i] = group.get(i).length();
    }
    List<List<SentencePiece>> rows = new ArrayList<>();
    SequencePacker packer = narrowRows ? new NarrowRowPacker(algorithm) : algorithm;
    for (int[] idx : packer.pack(lengths, maxSeqLength, maxSentencesPerRow)) {
      List<SentencePiece> row = new ArrayList<>(idx.length);
      for (int i : idx) {
        row.add(group.get(i));
      }
      rows.add(row);
    }
    return rows;
  }
}
