package dev.packbert.weights;

/**
 * The dtype names of the safetensors spec; the widths let a header be checked without reading data.
 */
final class SafetensorsDtype {
  private SafetensorsDtype() {}

  static int width(String dtype) {
    return switch (dtype) {
      case "BOOL", "U8", "I8", "F8_E4M3", "F8_E5M2" -> 1;
      case "I16", "U16", "F16", "BF16" -> 2;
      case "I32", "U32", "F32" -> 4;
      case "I64", "U64", "F64" -> 8;
      default -> -1;
    };
  }

  static boolean isFloat(String dtype) {
    return dtype.equals("F32") || dtype.equals("F16") || dtype.equals("BF16");
  }
}
