package dev.packbert.weights;

import dev.packbert.model.Pooling;
import java.util.EnumSet;
import java.util.Map;

/**
 * What a model itself says about how it is meant to be used: its pooling, whether its vectors are
 * L2-normalized, the longest input it was configured for, casing, and the text prefixes its authors
 * ask for. Each field is null where the model says nothing; flags and config then decide.
 *
 * @param pooling the model's pooling (one choice), or null
 * @param normalize whether the model's vectors are L2-normalized, or null
 * @param maxSeqLength the model's maximum input length in tokens, or null
 * @param lowerCase true where the model lower-cases its input beyond its tokenizer's own setting
 *     (sentence-transformers' do_lower_case), or null
 * @param prefixHint prefixes the model expects in front of texts (informational; never applied
 *     unless asked for with --prefix), or ""
 */
public record ModelDefaults(
    EnumSet<Pooling> pooling,
    Boolean normalize,
    Integer maxSeqLength,
    Boolean lowerCase,
    String prefixHint)
    implements java.io.Serializable {

  /** A model that says nothing: plain BERT checkpoints. */
  public static final ModelDefaults NONE = new ModelDefaults(null, null, null, null, "");

  public ModelDefaults {
    pooling = pooling == null ? null : EnumSet.copyOf(pooling);
    prefixHint = prefixHint == null ? "" : prefixHint;
  }

  static ModelDefaults sentenceTransformer(
      Pooling pooling, boolean normalize, int maxSeqLength, String prefixHint) {
    return new ModelDefaults(EnumSet.of(pooling), normalize, maxSeqLength, null, prefixHint);
  }

  /**
   * The defaults of a registry name, or of a model directory (a sentence-transformers folder brings
   * its own; any other directory none). A remote directory is copied (once) to read them.
   */
  public static ModelDefaults of(String nameOrPath, Map<String, String> sparkConf) {
    if (ModelRegistry.isNamed(nameOrPath)) {
      return ModelRegistry.defaults(nameOrPath);
    }
    return of(ModelRegistry.resolve(nameOrPath, sparkConf));
  }

  /** The defaults a local model directory declares. */
  public static ModelDefaults of(java.nio.file.Path dir) {
    return SentenceTransformersFolder.isOne(dir)
        ? SentenceTransformersFolder.read(dir).defaults()
        : NONE;
  }

  @Override
  public EnumSet<Pooling> pooling() {
    return pooling == null ? null : EnumSet.copyOf(pooling);
  }
}
