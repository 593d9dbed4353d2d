package dev.packbert.s3;

import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.client.builder.AwsClientBuilder.EndpointConfiguration;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.AmazonS3ClientBuilder;
import com.amazonaws.services.s3.model.ListObjectsV2Request;
import com.amazonaws.services.s3.model.ListObjectsV2Result;
import com.amazonaws.services.s3.model.ObjectMetadata;
import com.amazonaws.services.s3.model.S3ObjectSummary;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;

/**
 * A real S3 server for tests: S3Proxy in this JVM on 127.0.0.1 (a free port), backed by jclouds'
 * in-memory "transient" blob store, checking AWS V2/V4 request signatures against {@link
 * #ACCESS_KEY}/{@link #SECRET_KEY}.
 *
 * <pre>{@code
 * try (LocalS3Server s3 = LocalS3Server.start()) {
 *   SparkSession.Builder b = SparkSession.builder().master("local[2]");
 *   s3.sparkConf().forEach(b::config);           // spark.hadoop.fs.s3a.* for this server
 *   df.write().parquet(s3.uri("x"));             // s3a://<bucket>/x
 *   s3.keys("x/");                               // what the server holds, seen through the AWS SDK, not s3a
 *   PackBertCli.execute(... s3.confArgs() ...);  // the same settings as "--conf", "k=v" pairs
 * }
 * }</pre>
 *
 * <p>S3Proxy's self-contained jar (path in system property {@code packbert.s3proxy.jar}, set by the
 * pom) is loaded in a class loader of its own whose parent is the platform loader, so its jclouds,
 * Guava, Jakarta EE 9 and SLF4J classes never meet Spark's; it is driven by reflection through a
 * handful of its public methods.
 *
 * <p>Each server gets its own bucket name ({@code packbert-<random>}), because Hadoop caches one
 * S3AFileSystem per scheme+bucket per JVM: a later server reusing a bucket name would be reached
 * through an earlier one's cached client and its (dead) endpoint.
 */
public final class LocalS3Server implements AutoCloseable {
  public static final String ACCESS_KEY = "packbert-test-access-key";
  public static final String SECRET_KEY = "packbert-test-secret-key";
  public static final String REGION = "us-east-1";
  static final String JAR_PROPERTY = "packbert.s3proxy.jar";

  private final URLClassLoader loader;
  private final Object context; // org.jclouds.blobstore.BlobStoreContext
  private final Object proxy; // org.gaul.s3proxy.S3Proxy
  private final int port;
  private final String bucket;
  private final AmazonS3 client;

  private LocalS3Server(
      URLClassLoader loader, Object context, Object proxy, int port, String bucket) {
    this.loader = loader;
    this.context = context;
    this.proxy = proxy;
    this.port = port;
    this.bucket = bucket;
    this.client = client(endpoint(), ACCESS_KEY, SECRET_KEY);
    client.createBucket(bucket);
  }

  /** Starts a server with one empty bucket ({@link #bucket()}). */
  public static LocalS3Server start() {
    String jar = System.getProperty(JAR_PROPERTY);
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException(
          "S3Proxy jar not found (system property "
              + JAR_PROPERTY
              + " = "
              + jar
              + "); run the tests through Maven, which copies it to target/s3proxy");
    }
    URLClassLoader loader;
    try {
      loader =
          new URLClassLoader(
              "s3proxy",
              new URL[] {Path.of(jar).toUri().toURL()},
              ClassLoader.getPlatformClassLoader());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    // jclouds finds its providers with ServiceLoader on the context class loader; Jetty's threads
    // inherit it
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(loader);
    Object context = null;
    try {
      quietLogback(loader);
      Class<?> contextBuilder = loader.loadClass("org.jclouds.ContextBuilder");
      Class<?> blobStoreContext = loader.loadClass("org.jclouds.blobstore.BlobStoreContext");
      Object cb = contextBuilder.getMethod("newBuilder", String.class).invoke(null, "transient");
      cb =
          contextBuilder
              .getMethod("credentials", String.class, String.class)
              .invoke(cb, ACCESS_KEY, SECRET_KEY);
      context = contextBuilder.getMethod("build", Class.class).invoke(cb, blobStoreContext);
      Object blobStore = blobStoreContext.getMethod("getBlobStore").invoke(context);

      Class<?> s3Proxy = loader.loadClass("org.gaul.s3proxy.S3Proxy");
      Class<?> builder = loader.loadClass("org.gaul.s3proxy.S3Proxy$Builder");
      Class<?> auth = loader.loadClass("org.gaul.s3proxy.AuthenticationType");
      Object b = s3Proxy.getMethod("builder").invoke(null);
      builder
          .getMethod("blobStore", loader.loadClass("org.jclouds.blobstore.BlobStore"))
          .invoke(b, blobStore);
      builder
          .getMethod("awsAuthentication", auth, String.class, String.class)
          .invoke(
              b,
              auth.getMethod("valueOf", String.class).invoke(null, "AWS_V2_OR_V4"),
              ACCESS_KEY,
              SECRET_KEY);
      // port 0: Jetty binds a free port, read back with getPort() once started
      builder.getMethod("endpoint", URI.class).invoke(b, URI.create("http://127.0.0.1:0"));
      Object proxy = builder.getMethod("build").invoke(b);
      s3Proxy.getMethod("start").invoke(proxy);
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (!"STARTED".equals(s3Proxy.getMethod("getState").invoke(proxy))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "S3Proxy did not start: " + s3Proxy.getMethod("getState").invoke(proxy));
        }
        Thread.sleep(5);
      }
      int port = (Integer) s3Proxy.getMethod("getPort").invoke(proxy);
      String bucket = "packbert-" + UUID.randomUUID().toString().substring(0, 8);
      return new LocalS3Server(loader, context, proxy, port, bucket);
    } catch (InvocationTargetException e) {
      closeQuietly(context, loader);
      throw new IllegalStateException("cannot start S3Proxy: " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException | InterruptedException | RuntimeException e) {
      closeQuietly(context, loader);
      throw new IllegalStateException("cannot start S3Proxy: " + e, e);
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  /**
   * Logback inside the jar prints its configuration status and logs Jetty at INFO; WARN is enough
   * in test output. The status listener property is read once, at Logback's initialisation in this
   * loader, and then restored.
   */
  private static void quietLogback(ClassLoader loader) throws ReflectiveOperationException {
    String statusKey = "logback.statusListenerClass";
    String previous = System.getProperty(statusKey);
    System.setProperty(statusKey, "ch.qos.logback.core.status.NopStatusListener");
    try {
      var getLogger =
          loader.loadClass("org.slf4j.LoggerFactory").getMethod("getLogger", String.class);
      Class<?> level = loader.loadClass("ch.qos.logback.classic.Level");
      Object warn = level.getField("WARN").get(null);
      for (String name :
          List.of("ROOT", "org.eclipse.jetty", "org.gaul.shaded.org.eclipse.jetty")) {
        Object logger = getLogger.invoke(null, name);
        logger.getClass().getMethod("setLevel", level).invoke(logger, warn);
      }
    } finally {
      if (previous == null) {
        System.clearProperty(statusKey);
      } else {
        System.setProperty(statusKey, previous);
      }
    }
  }

  private static void closeQuietly(Object context, URLClassLoader loader) {
    try {
      if (context != null) {
        ((AutoCloseable) context).close();
      }
      loader.close();
    } catch (Exception ignored) {
      // already failing; the start error is the one worth reporting
    }
  }

  /**
   * An AWS SDK client for this server with the given keys (tests of signature checking use wrong
   * ones).
   */
  public AmazonS3 client(String accessKey, String secretKey) {
    return client(endpoint(), accessKey, secretKey);
  }

  private static AmazonS3 client(String endpoint, String accessKey, String secretKey) {
    return AmazonS3ClientBuilder.standard()
        .withEndpointConfiguration(new EndpointConfiguration(endpoint, REGION))
        .withPathStyleAccessEnabled(true)
        .withCredentials(
            new AWSStaticCredentialsProvider(new BasicAWSCredentials(accessKey, secretKey)))
        .build();
  }

  public int port() {
    return port;
  }

  /** {@code http://127.0.0.1:PORT}. */
  public String endpoint() {
    return "http://127.0.0.1:" + port();
  }

  public String bucket() {
    return bucket;
  }

  /** {@code s3a://BUCKET/key} ({@code key} without a leading slash; empty for the bucket root). */
  public String uri(String key) {
    return "s3a://" + bucket + "/" + key;
  }

  /** The Hadoop {@code fs.s3a.*} settings that reach this server, in insertion order. */
  public Map<String, String> hadoopConf() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("fs.s3a.endpoint", endpoint());
    c.put("fs.s3a.endpoint.region", REGION);
    c.put("fs.s3a.path.style.access", "true");
    c.put("fs.s3a.connection.ssl.enabled", "false");
    c.put(
        "fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    c.put("fs.s3a.access.key", ACCESS_KEY);
    c.put("fs.s3a.secret.key", SECRET_KEY);
    // fail fast instead of retrying for minutes when the server is gone
    c.put("fs.s3a.attempts.maximum", "2");
    c.put("fs.s3a.retry.limit", "2");
    return c;
  }

  /**
   * {@link #hadoopConf()} as Spark settings ({@code spark.hadoop.} prefix), for a session builder
   * or --conf.
   */
  public Map<String, String> sparkConf() {
    Map<String, String> c = new LinkedHashMap<>();
    hadoopConf().forEach((k, v) -> c.put("spark.hadoop." + k, v));
    return c;
  }

  /**
   * Spark settings that make Spark SQL writes to s3a use the S3A magic committer (needs
   * spark-hadoop-cloud). With neither commit class, Spark silently keeps the rename-based
   * FileOutputCommitter (0-byte _SUCCESS). For parquet either one alone was enough here (Spark
   * 3.5.9, Hadoop 3.3.4); the protocol covers the other formats.
   */
  public static Map<String, String> magicCommitterSparkConf() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("spark.hadoop.fs.s3a.committer.name", "magic");
    c.put("spark.hadoop.fs.s3a.committer.magic.enabled", "true");
    c.put(
        "spark.sql.sources.commitProtocolClass",
        "org.apache.spark.internal.io.cloud.PathOutputCommitProtocol");
    c.put(
        "spark.sql.parquet.output.committer.class",
        "org.apache.spark.internal.io.cloud.BindingParquetOutputCommitter");
    return c;
  }

  /**
   * {@code "--conf", "key=value", ...} for {@code packbert embed}: {@link #sparkConf()} plus {@code
   * extra}.
   */
  @SafeVarargs
  public final List<String> confArgs(Map<String, String>... extra) {
    List<String> args = new ArrayList<>();
    Map<String, String> all = new LinkedHashMap<>(sparkConf());
    for (Map<String, String> e : extra) {
      all.putAll(e);
    }
    all.forEach(
        (k, v) -> {
          args.add("--conf");
          args.add(k + "=" + v);
        });
    return args;
  }

  /**
   * A copy of {@code base} with {@link #hadoopConf()} applied, for using {@code FileSystem}
   * directly.
   */
  public Configuration configure(Configuration base) {
    Configuration c = new Configuration(base);
    hadoopConf().forEach(c::set);
    return c;
  }

  // Direct access to the stored objects through the AWS SDK, not s3a: to seed inputs and check
  // outputs independently.

  public void put(String key, byte[] content) {
    ObjectMetadata meta = new ObjectMetadata();
    meta.setContentLength(content.length);
    client.putObject(bucket, key, new ByteArrayInputStream(content), meta);
  }

  /** The object's bytes, or null if there is no such object. */
  public byte[] get(String key) {
    if (!client.doesObjectExist(bucket, key)) {
      return null;
    }
    try (InputStream in = client.getObject(bucket, key).getObjectContent()) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + key, e);
    }
  }

  /**
   * Keys of all objects under {@code prefix} (recursive, sorted; "directory" markers ending in /
   * included).
   */
  public List<String> keys(String prefix) {
    List<String> keys = new ArrayList<>();
    ListObjectsV2Request request =
        new ListObjectsV2Request().withBucketName(bucket).withPrefix(prefix);
    ListObjectsV2Result page;
    do {
      page = client.listObjectsV2(request);
      for (S3ObjectSummary o : page.getObjectSummaries()) {
        keys.add(o.getKey());
      }
      request.setContinuationToken(page.getNextContinuationToken());
    } while (page.isTruncated());
    keys.sort(null);
    return keys;
  }

  @Override
  public void close() {
    client.shutdown();
    ClassLoader previous = Thread.currentThread().getContextClassLoader();
    Thread.currentThread().setContextClassLoader(loader);
    try {
      proxy.getClass().getMethod("stop").invoke(proxy);
      ((AutoCloseable) context).close();
      loader.close();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop S3Proxy", e);
    } finally {
      Thread.currentThread().setContextClassLoader(previous);
    }
  }
}
