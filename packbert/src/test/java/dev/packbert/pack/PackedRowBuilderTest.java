package dev.packbert.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class PackedRowBuilderTest {

  @Test
  void handCase() {
    SentencePiece a = SentencePiece.whole("d", 0, 0, 3, "a", new int[] {101, 7, 102});
    SentencePiece b = SentencePiece.whole("d", 1, 4, 9, "b", new int[] {101, 8, 9, 102});
    PackedRow row = PackedRowBuilder.build(List.of(a, b), 10);
    assertArrayEquals(new int[] {101, 7, 102, 101, 8, 9, 102, 0, 0, 0}, row.inputIds());
    assertArrayEquals(new int[] {1, 1, 1, 2, 2, 2, 2, 0, 0, 0}, row.segmentIds());
    assertArrayEquals(new int[] {0, 1, 2, 0, 1, 2, 3, 0, 0, 0}, row.positionIds());
    assertArrayEquals(new int[10], row.tokenTypeIds());
    assertEquals(7, row.numRealTokens());
    assertEquals(0, row.sentences().get(0).offset());
    assertEquals(3, row.sentences().get(0).length());
    assertEquals(3, row.sentences().get(1).offset());
    assertEquals(4, row.sentences().get(1).length());
  }

  @Test
  void emptyPieceTakesNoSlot() {
    SentencePiece e = SentencePiece.whole("d", 0, 0, 0, "", new int[0]);
    SentencePiece b = SentencePiece.whole("d", 1, 0, 0, "", new int[] {101});
    PackedRow row = PackedRowBuilder.build(List.of(e, b), 4);
    assertArrayEquals(new int[] {2, 0, 0, 0}, row.segmentIds());
    assertEquals(0, row.sentences().get(0).length());
    assertEquals(1, row.numRealTokens());
  }

  @Test
  void overflowIsAnError() {
    SentencePiece a = SentencePiece.whole("d", 0, 0, 3, "a", new int[] {1, 2, 3});
    assertThrows(IllegalArgumentException.class, () -> PackedRowBuilder.build(List.of(a, a), 5));
  }
}
