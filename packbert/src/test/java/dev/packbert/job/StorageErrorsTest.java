package dev.packbert.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.packbert.s3.FaultProxy;
import dev.packbert.s3.LocalS3Server;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each storage failure made for real (S3Proxy with signature checking, a proxy that refuses writes,
 * a closed port, a port that never answers, local files) and the one line {@link
 * StorageErrors#describe} gives for it.
 */
class StorageErrorsTest {
  private static final String WRONG_SECRET = "wrong-secret-value-0042";
  private static final String WRONG_ACCESS = "WRONGACCESSKEYID0042";
  private static final String CREDENTIALS =
      "fs.s3a.access.key, fs.s3a.secret.key, fs.s3a.session.token and"
          + " fs.s3a.aws.credentials.provider (or their fs.s3a.bucket.BUCKET.* overrides)";

  private static LocalS3Server s3;
  private static FaultProxy proxy;
  private static ServerSocket blackHole;
  private static final List<Socket> held = new ArrayList<>();
  private static int closedPort;
  private static java.nio.file.Path tmp;

  @BeforeAll
  static void start() throws IOException {
    s3 = LocalS3Server.start();
    proxy = FaultProxy.start(s3.endpoint());
    // accepts (the kernel completes the handshake) and never answers
    blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t =
        new Thread(
            () -> {
              try {
                while (true) {
                  held.add(blackHole.accept());
                }
              } catch (IOException e) {
                // closed
              }
            });
    t.setDaemon(true);
    t.start();
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    s3.put("in/docs.txt", "one\ntwo\n".getBytes(StandardCharsets.UTF_8));
    s3.put("afile", "x".getBytes(StandardCharsets.UTF_8));
    tmp = Files.createTempDirectory("storage-errors");
  }

  @AfterAll
  static void stop() throws IOException {
    for (Socket s : held) {
      s.close();
    }
    blackHole.close();
    proxy.close();
    s3.close();
  }

  /** The server's settings, retries cut to fail in about a second, then {@code overrides}. */
  private static Configuration conf(Map<String, String> overrides) {
    Configuration c = new Configuration();
    s3.hadoopConf().forEach(c::set);
    c.set("fs.s3a.attempts.maximum", "0");
    c.set("fs.s3a.retry.limit", "0");
    c.set("fs.s3a.retry.interval", "10ms");
    c.set("fs.s3a.retry.throttle.limit", "0");
    c.set("fs.s3a.retry.throttle.interval", "10ms");
    c.set("fs.s3a.connection.establish.timeout", "1000");
    c.set("fs.s3a.connection.timeout", "1000");
    // each test gets its own S3AFileSystem with its own (possibly wrong) settings
    c.setBoolean("fs.s3a.impl.disable.cache", true);
    overrides.forEach(c::set);
    return c;
  }

  private interface FsCall {
    void call(FileSystem fs, Path p) throws Exception;
  }

  private static Throwable failure(String location, Configuration conf, FsCall call) {
    Path p = new Path(location);
    try (FileSystem fs = FileSystem.newInstance(p.toUri(), conf)) {
      call.call(fs, p);
    } catch (Throwable t) {
      return t;
    }
    return fail("no failure at " + location);
  }

  /** What the job does to --output before its first slice: look, make the directory, write. */
  private static final FsCall PREPARE_OUTPUT =
      (fs, p) -> {
        if (fs.exists(p) && fs.getFileStatus(p).isDirectory()) {
          fs.listStatus(p);
        }
        fs.mkdirs(p);
        try (OutputStream o = fs.create(new Path(p, "_packbert_run.json"), true)) {
          o.write('{');
        }
      };

  private static final FsCall READ_INPUT =
      (fs, p) -> {
        fs.getFileStatus(p);
        try (var in = fs.open(p)) {
          in.read();
        }
      };

  private static void assertLine(String expected, Throwable t, String location, String role) {
    Optional<String> line = StorageErrors.describe(t, location, role);
    assertEquals(Optional.of(expected), line, () -> "for " + t);
    assertFalse(expected.contains("\n"), expected);
    for (String secret :
        List.of(LocalS3Server.SECRET_KEY, LocalS3Server.ACCESS_KEY, WRONG_SECRET, WRONG_ACCESS)) {
      assertFalse(expected.contains(secret), expected);
    }
  }

  @Test
  void missingBucket() {
    String out = "s3a://nobkt-storage-errors/out";
    Throwable t = failure(out, conf(Map.of()), PREPARE_OUTPUT);
    assertLine(
        "--output s3a://nobkt-storage-errors/out: bucket nobkt-storage-errors does not exist at"
            + " the configured endpoint; check the bucket name, fs.s3a.endpoint and"
            + " fs.s3a.endpoint.region",
        t,
        out,
        "--output");
  }

  @Test
  void wrongSecretOnAHeadHasNoErrorCode() {
    // getFileStatus starts with a HEAD: S3 sends no error body, so only the status is known
    String in = s3.uri("in/docs.txt");
    Throwable t = failure(in, conf(Map.of("fs.s3a.secret.key", WRONG_SECRET)), READ_INPUT);
    assertLine(
        "--input "
            + in
            + ": access denied (HTTP 403): the credentials were refused or may not read it; check "
            + CREDENTIALS,
        t,
        in,
        "--input");
  }

  @Test
  void wrongSecretOnAListing() {
    String out = s3.uri("out");
    Throwable t =
        failure(out, conf(Map.of("fs.s3a.secret.key", WRONG_SECRET)), (fs, p) -> fs.listStatus(p));
    assertLine(
        "--output " + out + ": the secret key does not match the access key; check " + CREDENTIALS,
        t,
        out,
        "--output");
  }

  @Test
  void unknownAccessKey() {
    String out = s3.uri("out");
    Throwable t =
        failure(out, conf(Map.of("fs.s3a.access.key", WRONG_ACCESS)), (fs, p) -> fs.listStatus(p));
    assertLine(
        "--output "
            + out
            + ": the storage service does not know the access key; check "
            + CREDENTIALS,
        t,
        out,
        "--output");
  }

  @Test
  void noCredentials() {
    String in = s3.uri("in/docs.txt");
    Throwable t =
        failure(in, conf(Map.of("fs.s3a.access.key", "", "fs.s3a.secret.key", "")), READ_INPUT);
    assertLine(
        "--input "
            + in
            + ": no S3 credentials were found; set fs.s3a.access.key and fs.s3a.secret.key, or"
            + " name a credentials provider in fs.s3a.aws.credentials.provider",
        t,
        in,
        "--input");
  }

  @Test
  void readOnlyBucket() {
    // what real S3 answers to writes with read-only credentials or a denying bucket policy
    FaultProxy.Rule denyWrites =
        proxy.add(
            FaultProxy.Rule.on("PUT|POST|DELETE", "/ro/")
                .error(403, "AccessDenied", "Access Denied")
                .times(Integer.MAX_VALUE));
    try {
      String out = s3.uri("ro/out");
      Throwable t = failure(out, conf(Map.of("fs.s3a.endpoint", proxy.endpoint())), PREPARE_OUTPUT);
      assertLine(
          "--output "
              + out
              + ": access denied: these credentials may not write to it; check "
              + CREDENTIALS
              + ", and the bucket policy",
          t,
          out,
          "--output");
      assertTrue(denyWrites.injected() >= 1);
    } finally {
      proxy.clearRules();
    }
  }

  @Test
  void connectionRefused() {
    String out = s3.uri("out");
    Throwable t =
        failure(
            out, conf(Map.of("fs.s3a.endpoint", "http://127.0.0.1:" + closedPort)), PREPARE_OUTPUT);
    assertLine(
        "--output "
            + out
            + ": cannot connect to the storage endpoint 127.0.0.1:"
            + closedPort
            + " (connection refused); check fs.s3a.endpoint, fs.s3a.connection.ssl.enabled and"
            + " fs.s3a.proxy.host/port, and that the service is running",
        t,
        out,
        "--output");
  }

  @Test
  void endpointThatNeverAnswers() {
    String in = s3.uri("in/docs.txt");
    Throwable t =
        failure(
            in,
            conf(Map.of("fs.s3a.endpoint", "http://127.0.0.1:" + blackHole.getLocalPort())),
            READ_INPUT);
    assertLine(
        "--input "
            + in
            + ": the storage endpoint did not answer in time (after the retries of"
            + " fs.s3a.attempts.maximum and fs.s3a.retry.limit); check fs.s3a.endpoint, or raise"
            + " fs.s3a.connection.timeout if the service is slow",
        t,
        in,
        "--input");
  }

  @Test
  void unknownHost() {
    String out = s3.uri("out");
    Throwable t =
        failure(
            out,
            conf(Map.of("fs.s3a.endpoint", "http://no-such-host.invalid:9000")),
            PREPARE_OUTPUT);
    assertLine(
        "--output "
            + out
            + ": unknown host no-such-host.invalid; check fs.s3a.endpoint (and"
            + " fs.s3a.path.style.access: without it the bucket name is part of the host name)",
        t,
        out,
        "--output");
  }

  @Test
  void throttledUntilTheRetriesRunOut() {
    proxy.add(FaultProxy.Rule.on("GET|HEAD", "/in/").slowDown().times(Integer.MAX_VALUE));
    try {
      String in = s3.uri("in/docs.txt");
      Throwable t = failure(in, conf(Map.of("fs.s3a.endpoint", proxy.endpoint())), READ_INPUT);
      // a HEAD carries no error body: the SDK has only the status ("503 Slow Down" as its code)
      assertLine(
          "--input "
              + in
              + ": the storage service kept throttling requests (HTTP 503) after the retries of"
              + " fs.s3a.retry.throttle.limit; try again later or raise fs.s3a.retry.throttle.limit"
              + " and fs.s3a.retry.throttle.interval",
          t,
          in,
          "--input");
    } finally {
      proxy.clearRules();
    }
  }

  @Test
  void serverErrorUntilTheRetriesRunOut() {
    proxy.add(
        FaultProxy.Rule.on("GET", "")
            .error(500, "InternalError", "We encountered an internal error.")
            .times(Integer.MAX_VALUE));
    try {
      String out = s3.uri("out");
      Throwable t =
          failure(
              out, conf(Map.of("fs.s3a.endpoint", proxy.endpoint())), (fs, p) -> fs.listStatus(p));
      assertLine(
          "--output "
              + out
              + ": the storage service failed (HTTP 500 InternalError) after the retries of"
              + " fs.s3a.retry.limit; try again later",
          t,
          out,
          "--output");
    } finally {
      proxy.clearRules();
    }
  }

  @Test
  void outputThatIsAFileOnS3() throws IOException {
    String out = s3.uri("afile");
    Throwable t = failure(out, conf(Map.of()), (fs, p) -> fs.mkdirs(p));
    assertLine(StorageErrors.isAFile(out, "--output"), t, out, "--output");
    assertEquals(
        "--output " + out + ": is a file, not a directory; choose another path or remove the file",
        StorageErrors.isAFile(out, "--output"));
    // but S3A writes under a file without complaint (Hadoop 3.3.4 checks no parents on create):
    // the job must look at the output's status itself before writing anything
    try (FileSystem fs = FileSystem.newInstance(new Path(out).toUri(), conf(Map.of()));
        OutputStream o = fs.create(new Path(out, "_packbert_run.json"), true)) {
      o.write('{');
    }
    assertTrue(
        s3.keys("afile").contains("afile/_packbert_run.json"), () -> s3.keys("afile").toString());
  }

  @Test
  void outputThatIsALocalFile() throws IOException {
    java.nio.file.Path file = Files.writeString(tmp.resolve("afile"), "x");
    String out = file.toUri().toString();
    Throwable t = failure(out, conf(Map.of()), PREPARE_OUTPUT);
    assertLine(StorageErrors.isAFile(out, "--output"), t, out, "--output");
  }

  @Test
  void readOnlyLocalFileSystem() {
    // /proc is not writable even for root; Hadoop's local mkdirs reports only "Mkdirs failed"
    assumeTrue(Files.isDirectory(java.nio.file.Path.of("/proc/self")));
    String out = "file:///proc/packbert-out";
    Throwable t = failure(out, conf(Map.of()), PREPARE_OUTPUT);
    assertLine(
        "--output file:///proc/packbert-out: cannot create the directory (read-only or not"
            + " permitted); choose a writable location",
        t,
        out,
        "--output");
  }

  @Test
  void unwritableLocalDirectory() throws IOException {
    // permission bits do not stop root: this case only means something for other users
    assumeTrue(!"root".equals(System.getProperty("user.name")), "running as root");
    java.nio.file.Path ro = Files.createDirectory(tmp.resolve("ro"));
    assertTrue(ro.toFile().setWritable(false, false));
    String out = ro.toUri() + "out";
    Throwable t = failure(out, conf(Map.of()), PREPARE_OUTPUT);
    assertEquals(
        Optional.of(
            "--output "
                + out
                + ": cannot create the directory (read-only or not permitted); choose a writable"
                + " location"),
        StorageErrors.describe(t, out, "--output"));
  }

  @Test
  void missingInputAndCredentialsInTheLocation() {
    Optional<String> line =
        StorageErrors.describe(
            new FileNotFoundException("No such file or directory: s3a://b/in"),
            "s3a://AKIDEXAMPLE:" + WRONG_SECRET + "@b/in",
            "--input");
    assertEquals(Optional.of("--input s3a://b/in: no such file or directory"), line);
    // a missing output is not a failure: nothing to say
    assertEquals(
        Optional.empty(),
        StorageErrors.describe(new FileNotFoundException("x"), "s3a://b/out", "--output"));
    assertEquals(
        Optional.empty(),
        StorageErrors.describe(new IllegalStateException("x"), "s3a://b/out", "--output"));
  }

  @Test
  void scrubReplacesCredentialValues() {
    Configuration c = new Configuration(false);
    c.set("fs.s3a.access.key", "AKIAEXAMPLEKEY");
    c.set("fs.s3a.secret.key", WRONG_SECRET);
    c.set("fs.s3a.bucket.other.secret.key", "another-secret-123");
    c.set("fs.s3a.session.token", "token-abc-123");
    c.set("fs.s3a.endpoint", "http://127.0.0.1:9000");
    String text =
        "denied for AKIAEXAMPLEKEY with "
            + WRONG_SECRET
            + " / another-secret-123 / token-abc-123 at http://127.0.0.1:9000";
    assertEquals(
        "denied for *** with *** / *** / *** at http://127.0.0.1:9000",
        StorageErrors.scrub(text, c));
  }
}
