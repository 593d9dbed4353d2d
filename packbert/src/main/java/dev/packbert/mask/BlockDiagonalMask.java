package dev.packbert.mask;

/**
 * The attention mask of a packed row: token i may attend to token j iff both belong to the same
 * sentence, i.e. {@code seg[i] == seg[j] != 0}. Padding (segment 0) attends to nothing and is
 * attended by nothing. Same definition as Krell et al.'s {@code (m[:,None,:] == m[:,:,None]) * (m
 * != 0)}.
 */
public final class BlockDiagonalMask {
  private BlockDiagonalMask() {}

  /** The mask as an [L][L] matrix of 0/1. */
  public static byte[][] of(int[] segmentIds) {
    int n = segmentIds.length;
    byte[][] m = new byte[n][n];
    fill(segmentIds, (i, j) -> m[i][j] = 1);
    return m;
  }

  /** The mask flattened row-major: element (i, j) at {@code i * L + j}. */
  public static byte[] flat(int[] segmentIds) {
    int n = segmentIds.length;
    byte[] m = new byte[n * n];
    fill(segmentIds, (i, j) -> m[i * n + j] = 1);
    return m;
  }

  /**
   * The masks of a batch of {@code rows} packed rows of {@code length} tokens, as the graphs take
   * them: {@code [rows, length, length]} float32, row-major.
   */
  public static float[] batch(int[] segmentIds, int rows, int length) {
    if (segmentIds.length != rows * length) {
      throw new IllegalArgumentException("segment ids must hold rows × length values");
    }
    float[] m = new float[rows * length * length];
    for (int r = 0; r < rows; r++) {
      int[] seg = java.util.Arrays.copyOfRange(segmentIds, r * length, (r + 1) * length);
      int base = r * length * length;
      fill(seg, (i, j) -> m[base + i * length + j] = 1f);
    }
    return m;
  }

  private interface Setter {
    void set(int i, int j);
  }

  /** Writing the L² output dominates anyway, so the plain double loop costs nothing extra. */
  private static void fill(int[] seg, Setter out) {
    for (int i = 0; i < seg.length; i++) {
      if (seg[i] == 0) {
        continue;
      }
      for (int j = 0; j < seg.length; j++) {
        if (seg[j] == seg[i]) {
          out.set(i, j);
        }
      }
    }
  }
}
