package dev.packbert.weights;

/** 16-bit float decoding; Java 17 has no Float.float16ToFloat (added in 20). */
final class HalfFloats {
  private HalfFloats() {}

  static float fromF16(int bits) {
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      // subnormal halves are normal floats: scale exactly instead of renormalising bit by bit
      float v = mant * 0x1p-24f;
      return sign != 0 ? -v : v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }

  static float fromBf16(int bits) {
    return Float.intBitsToFloat((bits & 0xffff) << 16);
  }
}
