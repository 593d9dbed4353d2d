package dev.packbert.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.model.AmazonS3Exception;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The test S3 server itself: reachable on 127.0.0.1, checks signatures, and speaks s3a. */
class LocalS3ServerTest {
  private static LocalS3Server s3;

  @BeforeAll
  static void start() {
    s3 = LocalS3Server.start();
  }

  @AfterAll
  static void stop() {
    s3.close();
  }

  @Test
  void storesAndListsObjects() {
    assertTrue(s3.endpoint().matches("http://127\\.0\\.0\\.1:\\d+"), s3.endpoint());
    assertTrue(s3.port() > 0);
    s3.put("a/1.txt", "one".getBytes(StandardCharsets.UTF_8));
    s3.put("a/b/2.txt", new byte[0]);
    s3.put("c.txt", "three".getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of("a/1.txt", "a/b/2.txt"), s3.keys("a/"));
    assertArrayEquals("three".getBytes(StandardCharsets.UTF_8), s3.get("c.txt"));
    assertArrayEquals(new byte[0], s3.get("a/b/2.txt"));
    assertNull(s3.get("missing"));
  }

  @Test
  void rejectsWrongSecretKey() {
    AmazonS3 bad = s3.client(LocalS3Server.ACCESS_KEY, "not-the-secret");
    try {
      AmazonS3Exception e =
          assertThrows(AmazonS3Exception.class, () -> bad.listObjectsV2(s3.bucket()));
      assertEquals(403, e.getStatusCode(), e.getMessage());
    } finally {
      bad.shutdown();
    }
  }

  @Test
  void hadoopS3aReadsAndWritesThroughIt() throws Exception {
    Configuration conf = s3.configure(new Configuration());
    Path p = new Path(s3.uri("fs/hello.txt"));
    FileSystem fs = p.getFileSystem(conf);
    try (OutputStream out = fs.create(p, true)) {
      out.write("hello s3a".getBytes(StandardCharsets.UTF_8));
    }
    assertArrayEquals("hello s3a".getBytes(StandardCharsets.UTF_8), s3.get("fs/hello.txt"));
    s3.put("fs/seeded.txt", "seeded".getBytes(StandardCharsets.UTF_8));
    try (InputStream in = fs.open(new Path(s3.uri("fs/seeded.txt")))) {
      assertEquals("seeded", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    assertEquals(2, fs.listStatus(new Path(s3.uri("fs"))).length);
  }
}
