package dev.packbert.weights;

/** The on-disk model layouts PackBERT can read. */
public enum ModelFormat {
  GOOGLE_CHECKPOINT,
  SAFETENSORS,
  ONNX
}
