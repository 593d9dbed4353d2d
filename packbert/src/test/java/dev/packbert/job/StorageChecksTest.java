package dev.packbert.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.packbert.s3.FaultProxy;
import dev.packbert.s3.LocalS3Server;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every storage failure of {@code --input} and {@code --output} through the CLI, each made for real
 * (S3Proxy with signature checking, a proxy that refuses writes, a closed port, a port that never
 * answers, local files): exit code 2, exactly one line on stderr, the line of the table in
 * docs/DEPLOY.md, no credential value in it, Spark never started and nothing left behind.
 */
class StorageChecksTest {
  private static final String WRONG_SECRET = "wrong-secret-value-7f3a";
  private static final String CREDENTIALS =
      "fs.s3a.access.key, fs.s3a.secret.key, fs.s3a.session.token and"
          + " fs.s3a.aws.credentials.provider (or their fs.s3a.bucket.BUCKET.* overrides)";
  private static final String SAMPLE =
      Path.of(System.getProperty("packbert.module.dir", "."))
          .resolve("src/main/resources/sample/europarl-en-24.txt")
          .toString();

  private static LocalS3Server s3;
  private static FaultProxy proxy;
  private static ServerSocket blackHole;
  private static final List<Socket> held = new ArrayList<>();
  private static int closedPort;
  private static Path tmp;

  @BeforeAll
  static void start() throws IOException {
    JobRuns.stopLeftoverSpark();
    s3 = LocalS3Server.start();
    proxy = FaultProxy.start(s3.endpoint());
    s3.put("in/docs.txt", "One sentence.\nTwo sentences here.\n".getBytes(StandardCharsets.UTF_8));
    s3.put("afile", "x".getBytes(StandardCharsets.UTF_8));
    // accepts connections (the kernel completes the handshake) and never answers
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
    tmp = Files.createTempDirectory("storage-checks");
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

  /**
   * Runs {@code embed} with the server's settings, then {@code conf} overrides, and asserts the one
   * line; returns the seconds it took.
   */
  private static double refused(
      String expected, String input, String output, Map<String, String> conf) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "embed",
                "--input",
                input,
                "--output",
                output,
                "--model",
                "all-minilm-l6-v2",
                "--master",
                "local[1]",
                "--conf",
                JobRuns.SPARK_STARTED_LISTENER));
    args.addAll(s3.confArgs());
    conf.forEach(
        (k, v) -> {
          args.add("--conf");
          args.add("spark.hadoop." + k + "=" + v);
        });
    int contexts = JobRuns.SparkStarted.contexts();
    long t0 = System.nanoTime();
    JobRuns.Result r = JobRuns.run(args.toArray(new String[0]));
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertEquals(2, r.exit(), r.stderr());
    assertEquals(List.of("packbert: " + expected), r.stderrLines());
    assertEquals(contexts, JobRuns.SparkStarted.contexts(), "refused before Spark started");
    for (String secret :
        List.of(LocalS3Server.SECRET_KEY, LocalS3Server.ACCESS_KEY, WRONG_SECRET)) {
      assertFalse(r.stderr().contains(secret), r.stderr());
    }
    return seconds;
  }

  @Test
  void missingBucket() {
    String out = "s3a://nobkt-checks/out";
    refused(
        "--output "
            + out
            + ": bucket nobkt-checks does not exist at the configured endpoint; check the bucket"
            + " name, fs.s3a.endpoint and fs.s3a.endpoint.region",
        SAMPLE,
        out,
        Map.of());
    String in = "s3a://nobkt-checks/in.txt";
    refused(
        "--input "
            + in
            + ": bucket nobkt-checks does not exist at the configured endpoint; check the bucket"
            + " name, fs.s3a.endpoint and fs.s3a.endpoint.region",
        in,
        tmp.resolve("o1").toString(),
        Map.of());
    assertFalse(Files.exists(tmp.resolve("o1")));
  }

  @Test
  void wrongSecret() {
    String in = s3.uri("in/docs.txt");
    // a HEAD's 403 carries no code: a wrong secret and missing permission look the same
    refused(
        "--input "
            + in
            + ": access denied (HTTP 403): the credentials were refused or may not read it; check "
            + CREDENTIALS,
        in,
        tmp.resolve("o2").toString(),
        Map.of("fs.s3a.secret.key", WRONG_SECRET));
    String out = s3.uri("out-wrong-secret");
    refused(
        "--output "
            + out
            + ": access denied (HTTP 403): the credentials were refused or may not write to it;"
            + " check "
            + CREDENTIALS,
        SAMPLE,
        out,
        Map.of("fs.s3a.secret.key", WRONG_SECRET));
  }

  @Test
  void readOnlyBucket() {
    // what S3 answers to writes with read-only credentials or a denying bucket policy
    FaultProxy.Rule denyWrites =
        proxy.add(
            FaultProxy.Rule.on("PUT|POST|DELETE", "/ro/")
                .error(403, "AccessDenied", "Access Denied")
                .times(Integer.MAX_VALUE));
    try {
      String out = s3.uri("ro/out");
      refused(
          "--output "
              + out
              + ": access denied: these credentials may not write to it; check "
              + CREDENTIALS
              + ", and the bucket policy",
          SAMPLE,
          out,
          Map.of("fs.s3a.endpoint", proxy.endpoint()));
      assertTrue(denyWrites.injected() >= 1);
    } finally {
      proxy.clearRules();
    }
  }

  @Test
  void unreachableEndpoint() {
    String out = s3.uri("out-unreachable");
    refused(
        "--output "
            + out
            + ": cannot connect to the storage endpoint 127.0.0.1:"
            + closedPort
            + " (connection refused); check fs.s3a.endpoint, fs.s3a.connection.ssl.enabled and"
            + " fs.s3a.proxy.host/port, and that the service is running",
        SAMPLE,
        out,
        Map.of("fs.s3a.endpoint", "http://127.0.0.1:" + closedPort));
    // an endpoint that accepts and never answers: the probe's own short limits, not S3A's
    // defaults (200 s per try, 21 SDK tries, 8 S3A tries), even where the user set longer ones
    String in = s3.uri("in/docs.txt");
    double seconds =
        refused(
            "--input "
                + in
                + ": the storage endpoint did not answer within 5 s (twice, checked before the job"
                + " starts); check fs.s3a.endpoint, the network and fs.s3a.proxy.host/port, and"
                + " that the service is running",
            in,
            tmp.resolve("o3").toString(),
            Map.of(
                "fs.s3a.endpoint",
                "http://127.0.0.1:" + blackHole.getLocalPort(),
                "fs.s3a.connection.timeout",
                "200000",
                "fs.s3a.attempts.maximum",
                "20"));
    assertTrue(seconds < 30, seconds + " s");
  }

  @Test
  void outputThatIsAFile() throws IOException {
    // Spark's Overwrite would delete it, and S3A would write "under" it without complaint
    String out = s3.uri("afile");
    refused(
        "--output " + out + ": is a file, not a directory; choose another path or remove the file",
        SAMPLE,
        out,
        Map.of());
    assertEquals("x", new String(s3.get("afile"), StandardCharsets.UTF_8), "the file is intact");
    assertEquals(List.of("afile"), s3.keys("afile"));

    Path local = Files.writeString(tmp.resolve("local-file"), "keep me");
    refused(
        "--output "
            + local
            + ": is a file, not a directory; choose another path or remove the file",
        SAMPLE,
        local.toString(),
        Map.of());
    assertEquals("keep me", Files.readString(local));
    refused(
        "--output "
            + local.resolve("out")
            + ": file:"
            + local
            + " is a file, not a directory; choose another path or remove the file",
        SAMPLE,
        local.resolve("out").toString(),
        Map.of());
  }

  @Test
  void readOnlyLocation() {
    // /proc refuses new files even to root (permission bits do not stop root)
    assumeTrue(Files.isDirectory(Path.of("/proc/self")));
    refused(
        "--output /proc/packbert-out: cannot create the directory (read-only or not permitted);"
            + " choose a writable location",
        SAMPLE,
        "/proc/packbert-out",
        Map.of());
  }

  @Test
  void missingInput() {
    String in = s3.uri("in/nope.txt");
    refused(
        "--input " + in + ": no such file or directory",
        in,
        tmp.resolve("o4").toString(),
        Map.of());
    refused(
        "--input " + s3.uri("in/*.parquet") + ": no such file or directory",
        s3.uri("in/*.parquet"),
        tmp.resolve("o4").toString(),
        Map.of());
  }

  @Test
  void theWriteCheckLeavesNothingBehind() throws IOException {
    Configuration c = s3.configure(new Configuration());
    StorageChecks.checkOutput(s3.uri("deep/er/out"), c);
    assertEquals(List.of(), s3.keys("deep"));
    Path local = tmp.resolve("a/b/out");
    StorageChecks.checkOutput(local.toString(), c);
    assertFalse(Files.exists(tmp.resolve("a")), "no directory left");
  }

  @Test
  void anOutputThatCannotBeLookedAtIsNotCalledExisting() {
    // was: "--output s3a://nobkt/out already exists; pass --resume to finish the run there"
    Configuration c = s3.configure(new Configuration());
    c.set("fs.s3a.attempts.maximum", "0");
    c.set("fs.s3a.retry.limit", "0");
    UserError e =
        assertThrows(
            UserError.class, () -> new OutputDir("s3a://nobkt-dir/out", c).existsAndNotEmpty());
    assertEquals(
        "--output s3a://nobkt-dir/out: bucket nobkt-dir does not exist at the configured endpoint;"
            + " check the bucket name, fs.s3a.endpoint and fs.s3a.endpoint.region",
        e.getMessage());
    e = assertThrows(UserError.class, () -> new OutputDir(s3.uri("afile"), c).existsAndNotEmpty());
    assertEquals(StorageErrors.isAFile(s3.uri("afile"), "--output"), e.getMessage());
    c.set("fs.s3a.secret.key", WRONG_SECRET);
    c.setBoolean("fs.s3a.impl.disable.cache", true);
    e = assertThrows(UserError.class, () -> new OutputDir(s3.uri("out-x"), c).existsAndNotEmpty());
    assertTrue(e.getMessage().contains("access denied (HTTP 403)"), e.getMessage());
  }
}
