package dev.packbert.weights;

import dev.packbert.model.BertWeights;

/**
 * Maps HuggingFace/PyTorch BERT parameter names ({@code bert.} prefix optional) to the canonical
 * Google-style names of {@link BertWeights}. Shared by the safetensors and ONNX loaders.
 */
final class HfBertNames {
  private HfBertNames() {}

  /**
   * The canonical name, or null for tensors that are not encoder weights (task heads such as {@code
   * cls.*}, the {@code position_ids} buffer). Linear weights map to {@code .../kernel}; the caller
   * decides whether they need a transpose, since that depends on the format.
   */
  static String canonical(String hf) {
    String n = hf.startsWith("bert.") ? hf.substring(5) : hf;
    if (!(n.startsWith("embeddings.") || n.startsWith("encoder.") || n.startsWith("pooler."))
        || n.equals("embeddings.position_ids")) {
      return null;
    }
    String[] p = n.split("\\.", -1);
    StringBuilder out = new StringBuilder();
    int i = 0;
    if (p.length > 3
        && p[0].equals("encoder")
        && p[1].equals("layer")
        && p[2].matches("\\d{1,4}")) {
      out.append("encoder/layer_").append(Integer.parseInt(p[2]));
      i = 3;
    } else {
      out.append(p[0]);
      i = 1;
    }
    for (; i < p.length - 1; i++) {
      out.append('/').append(p[i]);
    }
    String last = p[p.length - 1];
    String parent = p.length >= 2 ? p[p.length - 2] : "";
    boolean layerNorm = parent.equals("LayerNorm");
    switch (last) {
      case "weight" -> {
        if (layerNorm) {
          out.append("/gamma");
        } else if (!parent.endsWith("_embeddings")) {
          out.append("/kernel");
        }
      }
      case "bias" -> out.append(layerNorm ? "/beta" : "/bias");
      default -> out.append('/').append(last);
    }
    return out.toString();
  }

  static boolean isKernel(String canonical) {
    return canonical.endsWith("/kernel");
  }
}
