package dev.packbert.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.ClientConfiguration;
import com.amazonaws.SdkClientException;
import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.client.builder.AwsClientBuilder.EndpointConfiguration;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.AmazonS3ClientBuilder;
import com.amazonaws.services.s3.model.AmazonS3Exception;
import com.amazonaws.services.s3.model.CompleteMultipartUploadRequest;
import com.amazonaws.services.s3.model.InitiateMultipartUploadRequest;
import com.amazonaws.services.s3.model.ObjectMetadata;
import com.amazonaws.services.s3.model.PartETag;
import com.amazonaws.services.s3.model.UploadPartRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link FaultProxy} in front of S3Proxy, driven by the AWS SDK v1 that S3A uses. */
class FaultProxyTest {
  private static LocalS3Server s3;
  private static FaultProxy proxy;

  @BeforeAll
  static void start() {
    s3 = LocalS3Server.start();
    proxy = FaultProxy.start(s3.endpoint());
  }

  @AfterAll
  static void stop() {
    proxy.close();
    s3.close();
  }

  @AfterEach
  void clear() {
    proxy.clearRules();
    proxy.clearLog();
  }

  /** A client through the proxy, with the SDK's own retries set to {@code retries}. */
  private static AmazonS3 client(int retries, int socketTimeoutMillis) {
    ClientConfiguration cc =
        new ClientConfiguration()
            .withMaxErrorRetry(retries)
            .withSocketTimeout(socketTimeoutMillis)
            .withConnectionTimeout(2_000);
    return AmazonS3ClientBuilder.standard()
        .withEndpointConfiguration(
            new EndpointConfiguration(proxy.endpoint(), LocalS3Server.REGION))
        .withPathStyleAccessEnabled(true)
        .withClientConfiguration(cc)
        .withCredentials(
            new AWSStaticCredentialsProvider(
                new BasicAWSCredentials(LocalS3Server.ACCESS_KEY, LocalS3Server.SECRET_KEY)))
        .build();
  }

  private static void put(AmazonS3 c, String key, byte[] data) {
    ObjectMetadata m = new ObjectMetadata();
    m.setContentLength(data.length);
    c.putObject(s3.bucket(), key, new ByteArrayInputStream(data), m);
  }

  private static byte[] get(AmazonS3 c, String key) throws IOException {
    try (InputStream in = c.getObject(s3.bucket(), key).getObjectContent()) {
      return in.readAllBytes();
    }
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  @Test
  void passesSignedRequestsThroughUnchanged() throws IOException {
    AmazonS3 c = client(0, 5_000);
    byte[] data = bytes(100_000);
    put(c, "pass/a", data);
    assertArrayEquals(data, get(c, "pass/a"));
    assertArrayEquals(data, s3.get("pass/a"), "the server holds what went through");
    assertEquals(List.of("pass/a"), s3.keys("pass/"));
    assertEquals(1, c.listObjectsV2(s3.bucket(), "pass/").getKeyCount());

    // a multipart upload: the requests S3A's block output stream and committers send
    String id =
        c.initiateMultipartUpload(new InitiateMultipartUploadRequest(s3.bucket(), "pass/mpu"))
            .getUploadId();
    PartETag tag =
        c.uploadPart(
                new UploadPartRequest()
                    .withBucketName(s3.bucket())
                    .withKey("pass/mpu")
                    .withUploadId(id)
                    .withPartNumber(1)
                    .withInputStream(new ByteArrayInputStream(data))
                    .withPartSize(data.length))
            .getPartETag();
    c.completeMultipartUpload(
        new CompleteMultipartUploadRequest(s3.bucket(), "pass/mpu", id, List.of(tag)));
    assertArrayEquals(data, s3.get("pass/mpu"));
    c.deleteObject(s3.bucket(), "pass/a");
    assertNull(s3.get("pass/a"));

    List<FaultProxy.Exchange> seen = proxy.exchanges();
    assertTrue(
        seen.stream().anyMatch(e -> e.method().equals("PUT") && e.expectContinue()),
        "the SDK sends Expect: 100-continue on PUT: " + seen);
    assertTrue(seen.stream().allMatch(e -> e.status() / 100 == 2), seen::toString);
    assertEquals(0, proxy.injected());
  }

  @Test
  void slowDownIsAbsorbedByTheSdksRetries() throws IOException {
    FaultProxy.Rule r = proxy.add(FaultProxy.Rule.on("PUT", "/slow/").slowDown().times(2));
    AmazonS3 c = client(3, 5_000);
    byte[] data = bytes(1000);
    put(c, "slow/a", data);
    assertEquals(2, r.injected());
    assertEquals(3, r.matched(), "two refused, the third went through");
    assertArrayEquals(data, s3.get("slow/a"));
    put(c, "slow/b", data); // the budget is spent: no more faults
    assertEquals(2, r.injected());
  }

  @Test
  void slowDownReachesAClientWithoutRetriesAsS3Would() {
    proxy.add(FaultProxy.Rule.on("PUT|GET", "/slow2/").slowDown().times(5));
    AmazonS3 c = client(0, 5_000);
    AmazonS3Exception e = assertThrows(AmazonS3Exception.class, () -> put(c, "slow2/a", bytes(10)));
    assertEquals(503, e.getStatusCode());
    assertEquals("SlowDown", e.getErrorCode());
    assertTrue(e.getRequestId().startsWith("FAULTPROXY"), e.getRequestId());
    AmazonS3Exception g = assertThrows(AmazonS3Exception.class, () -> get(c, "slow2/a"));
    assertEquals("SlowDown", g.getErrorCode());
    assertNull(s3.get("slow2/a"));
  }

  @Test
  void aDroppedRequestNeverReachesTheServer() {
    FaultProxy.Rule r = proxy.add(FaultProxy.Rule.on("PUT", "/drop/").dropRequest());
    AmazonS3 c = client(0, 5_000);
    SdkClientException e =
        assertThrows(SdkClientException.class, () -> put(c, "drop/a", bytes(5000)));
    assertNotNull(e.getCause(), e.toString());
    assertEquals(1, r.injected());
    assertNull(s3.get("drop/a"), "the server never saw the PUT");
    put(c, "drop/a", bytes(10)); // the next one goes through
    assertNotNull(s3.get("drop/a"));
  }

  @Test
  void aDroppedResponseLeavesTheRequestDone() {
    proxy.add(FaultProxy.Rule.on("PUT", "/dropresp/").dropResponse());
    AmazonS3 c = client(0, 5_000);
    byte[] data = bytes(5000);
    assertThrows(SdkClientException.class, () -> put(c, "dropresp/a", data));
    assertArrayEquals(data, s3.get("dropresp/a"), "the server did the PUT the client saw fail");
  }

  @Test
  void aResponseCutMidBodyFailsTheRead() {
    byte[] data = bytes(200_000);
    put(client(0, 5_000), "cut/a", data);
    FaultProxy.Rule r = proxy.add(FaultProxy.Rule.on("GET", "/cut/a").dropResponse());
    AmazonS3 c = client(0, 5_000);
    Exception e = assertThrows(Exception.class, () -> get(c, "cut/a"));
    assertTrue(
        e instanceof IOException || e instanceof SdkClientException, () -> "a short body: " + e);
    assertEquals(1, r.injected());
  }

  @Test
  void aStallLongerThanTheSocketTimeoutTimesOut() throws IOException {
    put(client(0, 5_000), "stall/a", bytes(10));
    proxy.add(FaultProxy.Rule.on("GET", "/stall/").stall(1500).times(2));
    SdkClientException e =
        assertThrows(SdkClientException.class, () -> get(client(0, 500), "stall/a"));
    assertInstanceOf(java.net.SocketTimeoutException.class, e.getCause(), e.toString());
    long t0 = System.nanoTime();
    assertEquals(10, get(client(0, 5_000), "stall/a").length, "a patient client waits it out");
    assertTrue(System.nanoTime() - t0 >= 1_400_000_000L);
  }

  @Test
  void rulesPickByMethodAndTargetAndSkip() {
    FaultProxy.Rule complete =
        proxy.add(
            FaultProxy.Rule.on("POST", "[?&]uploadId=")
                .error(500, "InternalError", "We encountered an internal error.")
                .skip(1)
                .times(1));
    AmazonS3 c = client(0, 5_000);
    for (int i = 0; i < 3; i++) {
      String key = "pick/" + i;
      String id =
          c.initiateMultipartUpload(new InitiateMultipartUploadRequest(s3.bucket(), key))
              .getUploadId();
      PartETag tag =
          c.uploadPart(
                  new UploadPartRequest()
                      .withBucketName(s3.bucket())
                      .withKey(key)
                      .withUploadId(id)
                      .withPartNumber(1)
                      .withInputStream(new ByteArrayInputStream(bytes(100)))
                      .withPartSize(100))
              .getPartETag();
      CompleteMultipartUploadRequest done =
          new CompleteMultipartUploadRequest(s3.bucket(), key, id, List.of(tag));
      if (i == 1) {
        AmazonS3Exception e =
            assertThrows(AmazonS3Exception.class, () -> c.completeMultipartUpload(done));
        assertEquals("InternalError", e.getErrorCode());
      } else {
        c.completeMultipartUpload(done);
      }
    }
    // initiate (POST ?uploads) and the part PUTs (?partNumber&uploadId) were not picked
    assertEquals(3, complete.matched());
    assertEquals(1, complete.injected());
    assertNotNull(s3.get("pick/0"));
    assertNull(s3.get("pick/1"));
    assertNotNull(s3.get("pick/2"));
  }

  @Test
  void keepsAChunkedRequestInStepOnAKeptAliveConnection() throws IOException {
    // unsigned, so S3Proxy refuses both: what matters is that two answers come back on one
    // connection, i.e. the proxy read the chunked body exactly
    URI u = URI.create(proxy.endpoint());
    try (Socket s = new Socket(u.getHost(), u.getPort())) {
      s.setSoTimeout(5_000);
      OutputStream o = s.getOutputStream();
      String path = "/" + s3.bucket() + "/chunked";
      o.write(
          ("PUT "
                  + path
                  + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                  + "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n"
                  + "GET "
                  + path
                  + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      o.flush();
      String answers = readAnswers(s.getInputStream(), 2);
      assertEquals(2, answers.split("HTTP/1.1 ", -1).length - 1, answers);
    }
    List<FaultProxy.Exchange> seen = proxy.exchanges();
    assertEquals(2, seen.size(), seen::toString);
    assertEquals("PUT", seen.get(0).method());
    assertEquals("GET", seen.get(1).method());
  }

  /** Reads until {@code n} responses with Content-Length bodies have arrived. */
  private static String readAnswers(InputStream in, int n) throws IOException {
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < n; i++) {
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        int c = in.read();
        if (c < 0) {
          return all.append(head).toString();
        }
        head.append((char) c);
      }
      int length = 0;
      for (String line : head.toString().split("\r\n")) {
        if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
          length = Integer.parseInt(line.substring(15).trim());
        }
      }
      all.append(head).append(new String(in.readNBytes(length), StandardCharsets.ISO_8859_1));
    }
    return all.toString();
  }

  @Test
  void staysOnTheLoopback() throws Exception {
    assertThrows(IllegalArgumentException.class, () -> FaultProxy.start("http://10.1.2.3:80"));
    assertThrows(IllegalArgumentException.class, () -> FaultProxy.start("https://127.0.0.1:443"));
    URI u = URI.create(proxy.endpoint());
    assertTrue(InetAddress.getByName(u.getHost()).isLoopbackAddress());
  }
}
