package dev.packbert.pack;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What to do with a sentence whose token ids (with [CLS] first and [SEP] last) exceed maxSeqLength.
 * The first and last ids are kept as the boundary tokens whatever their values, so no vocabulary
 * needs to be known here.
 */
public enum OverLength {
  /** Keep the first maxLen-1 ids and the last id ([SEP]); the piece is marked truncated. */
  TRUNCATE,
  /**
   * Overlapping windows: each piece is [CLS] + a slice of the inner ids + [SEP], at most maxLen
   * ids; consecutive slices share {@code stride} inner ids; the last slice ends at the last inner
   * id.
   */
  SPLIT;

  public String paramValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static OverLength parse(String name) {
    return valueOf(name.trim().toUpperCase(Locale.ROOT));
  }

  /** The first maxLen-1 ids and the last id ([SEP]); ids that fit come back as they are. */
  public static int[] truncate(int[] ids, int maxLen) {
    if (ids.length <= maxLen) {
      return ids;
    }
    if (maxLen < 2) {
      throw new IllegalArgumentException("truncation needs maxSeqLength >= 2");
    }
    int[] cut = Arrays.copyOf(ids, maxLen);
    cut[maxLen - 1] = ids[ids.length - 1];
    return cut;
  }

  /** Pieces of a sentence; a sentence that fits comes back as one whole piece. */
  public List<SentencePiece> apply(SentencePiece s, int maxLen, int stride) {
    int[] t = s.tokens();
    if (t.length <= maxLen) {
      return List.of(s);
    }
    if (this == TRUNCATE) {
      return List.of(
          new SentencePiece(
              s.docId(),
              s.sentenceIndex(),
              s.begin(),
              s.end(),
              s.text(),
              truncate(t, maxLen),
              t.length,
              true,
              0,
              1,
              s.unitKey()));
    }
    int window = maxLen - 2;
    if (window < 1 || stride < 0 || stride >= window) {
      throw new IllegalArgumentException(
          "split needs maxSeqLength >= 3 and 0 <= splitStride < maxSeqLength - 2;"
              + " got maxSeqLength="
              + maxLen
              + ", splitStride="
              + stride);
    }
    int inner = t.length - 2;
    int step = window - stride;
    List<int[]> slices = new ArrayList<>();
    for (int start = 0; ; start += step) {
      int stop = Math.min(start + window, inner);
      int[] piece = new int[stop - start + 2];
      piece[0] = t[0];
      System.arraycopy(t, 1 + start, piece, 1, stop - start);
      piece[piece.length - 1] = t[t.length - 1];
      slices.add(piece);
      if (stop == inner) {
        break;
      }
    }
    List<SentencePiece> out = new ArrayList<>(slices.size());
    for (int p = 0; p < slices.size(); p++) {
      out.add(
          new SentencePiece(
              s.docId(),
              s.sentenceIndex(),
              s.begin(),
              s.end(),
              s.text(),
              slices.get(p),
              t.length,
              false,
              p,
              slices.size(),
              s.unitKey()));
    }
    return out;
  }
}
