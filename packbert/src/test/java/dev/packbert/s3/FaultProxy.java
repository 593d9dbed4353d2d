package dev.packbert.s3;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A loopback-only HTTP/1.1 proxy for tests, between an S3 client (the AWS SDK inside S3A) and a
 * local S3 server ({@link LocalS3Server}), that injects the faults S3 really produces: connections
 * dropped mid-request or mid-response, {@code 503 SlowDown} (or any other S3 error), and stalled
 * responses. Each {@link Rule} picks requests by method and request target, skips the first {@code
 * n} it matches and injects at most {@code times}, so a test's faults are bounded and counted.
 *
 * <pre>{@code
 * try (LocalS3Server s3 = LocalS3Server.start();
 *     FaultProxy proxy = FaultProxy.start(s3.endpoint())) {
 *   FaultProxy.Rule r = proxy.add(FaultProxy.Rule.on("PUT", "[?&]partNumber=").slowDown().times(2));
 *   // point fs.s3a.endpoint at proxy.endpoint() instead of s3.endpoint()
 *   ...
 *   assertEquals(2, r.injected());
 * }
 * }</pre>
 *
 * <p>It understands just enough HTTP/1.1 for what the AWS SDK v1 sends: a request line, headers,
 * and a body framed by {@code Content-Length} or {@code Transfer-Encoding: chunked}. The SDK sends
 * {@code Expect: 100-continue} on PUTs (its Apache client adds the header after signing, so it is
 * not signed): the proxy answers {@code 100 Continue} itself and forwards the request without the
 * header, which lets it refuse a request before its body, as S3 does. Each request goes to the
 * server on a fresh connection marked {@code Connection: close}, so the response ends where the
 * server closes and no response framing has to be parsed; the client's side stays keep-alive, so
 * the client's connection pooling (and its stale-connection retries) behave as against S3.
 *
 * <p>Dependency-free (java.net only) and bound to the loopback address, forwarding only to a
 * loopback target: it can never reach or be reached from another machine.
 */
public final class FaultProxy implements AutoCloseable {

  /** What a rule does to a request it picks. */
  public enum Kind {
    /**
     * Reads the head (and half of a body), then resets the connection: the server never sees it.
     */
    DROP_REQUEST,
    /**
     * Forwards the request (the server executes it), then sends at most the response head and half
     * its body, and resets the connection: the client cannot tell whether it happened.
     */
    DROP_RESPONSE,
    /** Answers an S3 error ({@code <Error><Code>...}) without forwarding the request. */
    ERROR,
    /** Forwards the request, then holds the response for some milliseconds before sending it. */
    STALL
  }

  /**
   * Which requests to disturb and how. Mutable while it is being built; {@link #add} it before the
   * requests start.
   */
  public static final class Rule {
    private final Pattern method;
    private final Pattern target;
    private Kind kind = Kind.ERROR;
    private int status = 503;
    private String code = "SlowDown";
    private String message = "Please reduce your request rate.";
    private long stallMillis;
    private int skip;
    private int times = 1;
    private final AtomicInteger matched = new AtomicInteger();
    private final AtomicInteger injected = new AtomicInteger();

    private Rule(String methodRegex, String targetRegex) {
      this.method = Pattern.compile(methodRegex);
      this.target = Pattern.compile(targetRegex);
    }

    /**
     * Requests whose method matches {@code methodRegex} entirely (e.g. {@code "PUT"}, {@code
     * "GET|HEAD"}, {@code ".*"}) and whose target (path and query, e.g. {@code
     * /bucket/key?partNumber=1&uploadId=x}) contains a match of {@code targetRegex}.
     */
    public static Rule on(String methodRegex, String targetRegex) {
      return new Rule(methodRegex, targetRegex);
    }

    /** Answer {@code 503 SlowDown}, S3's throttling response (the default). */
    public Rule slowDown() {
      return error(503, "SlowDown", "Please reduce your request rate.");
    }

    /** Answer this S3 error, e.g. {@code 403 AccessDenied} or {@code 500 InternalError}. */
    public Rule error(int status, String code, String message) {
      this.kind = Kind.ERROR;
      this.status = status;
      this.code = code;
      this.message = message;
      return this;
    }

    public Rule dropRequest() {
      this.kind = Kind.DROP_REQUEST;
      return this;
    }

    public Rule dropResponse() {
      this.kind = Kind.DROP_RESPONSE;
      return this;
    }

    public Rule stall(long millis) {
      this.kind = Kind.STALL;
      this.stallMillis = millis;
      return this;
    }

    /** Let the first {@code n} matching requests through untouched. */
    public Rule skip(int n) {
      this.skip = n;
      return this;
    }

    /** Inject at most {@code n} times (default 1); {@link Integer#MAX_VALUE} for always. */
    public Rule times(int n) {
      this.times = n;
      return this;
    }

    public Kind kind() {
      return kind;
    }

    /** Requests this rule matched, injected or not. */
    public int matched() {
      return matched.get();
    }

    /** Faults this rule injected. */
    public int injected() {
      return injected.get();
    }

    /** Claims the request if it matches and the rule still has faults to inject. */
    private boolean claims(String m, String t) {
      if (!method.matcher(m).matches() || !target.matcher(t).find()) {
        return false;
      }
      int seen = matched.incrementAndGet();
      if (seen <= skip) {
        return false;
      }
      // counted before the fault happens, so a test that sees the client fail sees the count
      while (true) {
        int done = injected.get();
        if (done >= times) {
          return false;
        }
        if (injected.compareAndSet(done, done + 1)) {
          return true;
        }
      }
    }

    @Override
    public String toString() {
      String what =
          switch (kind) {
            case ERROR -> status + " " + code;
            case STALL -> "stall " + stallMillis + " ms";
            default -> kind.name().toLowerCase(Locale.ROOT);
          };
      return method.pattern() + " ~" + target.pattern() + " -> " + what;
    }
  }

  /** One request seen, for tests that check or report what the client sent. */
  public record Exchange(
      String method, String target, boolean expectContinue, int status, String fault) {
    @Override
    public String toString() {
      return method
          + " "
          + target
          + (expectContinue ? " [expect]" : "")
          + " -> "
          + (status == 0 ? "-" : Integer.toString(status))
          + (fault == null ? "" : " (" + fault + ")");
    }
  }

  private static final int MAX_HEAD = 64 * 1024;
  private static final int MAX_LOG = 100_000;

  private final ServerSocket server;
  private final InetSocketAddress target;
  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<Exchange> log = new ConcurrentLinkedQueue<>();
  private final AtomicInteger logged = new AtomicInteger();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final ExecutorService threads;
  private final AtomicInteger requestIds = new AtomicInteger();
  private volatile boolean closed;

  private FaultProxy(ServerSocket server, InetSocketAddress target) {
    this.server = server;
    this.target = target;
    AtomicInteger n = new AtomicInteger();
    this.threads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "fault-proxy-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    threads.execute(this::acceptLoop);
  }

  /** Starts a proxy on a free loopback port in front of {@code endpoint} (http, loopback only). */
  public static FaultProxy start(String endpoint) {
    URI uri = URI.create(endpoint);
    try {
      InetAddress host = InetAddress.getByName(uri.getHost());
      if (!host.isLoopbackAddress() || !"http".equals(uri.getScheme())) {
        throw new IllegalArgumentException("only a plain-http loopback target: " + endpoint);
      }
      ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      return new FaultProxy(s, new InetSocketAddress(host, uri.getPort()));
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the fault proxy: " + e, e);
    }
  }

  /** Adds a rule; rules are tried in the order added, and the first that claims a request wins. */
  public Rule add(Rule rule) {
    rules.add(rule);
    return rule;
  }

  /** Removes every rule (their counts stay readable on the rule objects). */
  public void clearRules() {
    rules.clear();
  }

  /** {@code http://127.0.0.1:PORT}: the endpoint to give the client instead of the server's. */
  public String endpoint() {
    return "http://" + server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
  }

  /** Faults injected by all rules added so far and still present. */
  public int injected() {
    return rules.stream().mapToInt(Rule::injected).sum();
  }

  /** The requests seen so far, in arrival order (the first {@value #MAX_LOG}). */
  public List<Exchange> exchanges() {
    return new ArrayList<>(log);
  }

  public void clearLog() {
    log.clear();
    logged.set(0);
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Socket s : open) {
      closeQuietly(s);
    }
    threads.shutdownNow();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        open.add(client);
        threads.execute(() -> serve(client));
      } catch (IOException e) {
        if (!closed) {
          // a failed accept on loopback is not worth stopping the proxy for
          continue;
        }
        return;
      }
    }
  }

  /** Request head: start line fields and headers in arrival order, names as sent. */
  private record Head(String method, String target, String version, List<String[]> headers) {
    String header(String name) {
      for (String[] h : headers) {
        if (h[0].equalsIgnoreCase(name)) {
          return h[1];
        }
      }
      return null;
    }
  }

  private void serve(Socket client) {
    try {
      client.setTcpNoDelay(true);
      InputStream in = new BufferedInputStream(client.getInputStream());
      OutputStream out = client.getOutputStream();
      while (!closed) {
        Head req = readRequestHead(in);
        if (req == null) {
          return; // the client closed its idle connection
        }
        if (!exchange(req, in, out, client)) {
          return;
        }
      }
    } catch (IOException e) {
      // the client went away (or was dropped on purpose): nothing to answer
    } finally {
      open.remove(client);
      closeQuietly(client);
    }
  }

  /** One request and its response; false when the connection must end. */
  private boolean exchange(Head req, InputStream in, OutputStream out, Socket client)
      throws IOException {
    boolean expect = "100-continue".equalsIgnoreCase(trimmed(req.header("Expect")));
    Rule rule = null;
    for (Rule r : rules) {
      if (r.claims(req.method(), req.target())) {
        rule = r;
        break;
      }
    }
    Kind kind = rule == null ? null : rule.kind;
    String fault = rule == null ? null : rule.toString();

    if (kind == Kind.ERROR) {
      // S3 answers an error before a 100-continue body; without Expect the body is already on its
      // way and is read first, so the connection stays in step
      if (!expect) {
        readBody(req, in);
      }
      sendError(out, req, rule);
      record(req, expect, rule.status, fault);
      return false; // "Connection: close" was sent
    }
    if (expect) {
      out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }
    if (kind == Kind.DROP_REQUEST) {
      // half of the body (if any) arrives, then the connection dies under the client
      long length = contentLength(req);
      if (length > 0) {
        in.readNBytes((int) Math.min(length / 2, Integer.MAX_VALUE));
      }
      record(req, expect, 0, fault);
      reset(client);
      return false;
    }
    byte[] body = readBody(req, in);
    byte[] response = forward(req, body);
    int headEnd = indexOf(response, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)) + 4;
    if (headEnd < 4) {
      throw new IOException("no response head from the server for " + req.method());
    }
    String head = new String(response, 0, headEnd, StandardCharsets.ISO_8859_1);
    int status = statusOf(head);
    byte[] responseBody = java.util.Arrays.copyOfRange(response, headEnd, response.length);
    byte[] clientHead = clientResponseHead(head, req.method(), status, responseBody.length);

    if (kind == Kind.DROP_RESPONSE) {
      if (responseBody.length > 1) {
        out.write(clientHead);
        out.write(responseBody, 0, responseBody.length / 2);
        out.flush();
      }
      record(req, expect, status, fault);
      reset(client);
      return false;
    }
    if (kind == Kind.STALL) {
      try {
        Thread.sleep(rule.stallMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    record(req, expect, status, fault);
    out.write(clientHead);
    out.write(responseBody);
    out.flush();
    return true;
  }

  private void record(Head req, boolean expect, int status, String fault) {
    if (logged.incrementAndGet() <= MAX_LOG) {
      log.add(new Exchange(req.method(), req.target(), expect, status, fault));
    }
  }

  /** Sends the request to the server on a new connection and returns all it answers. */
  private byte[] forward(Head req, byte[] body) throws IOException {
    try (Socket up = new Socket()) {
      up.connect(target, 10_000);
      up.setSoTimeout(120_000);
      StringBuilder h = new StringBuilder();
      h.append(req.method()).append(' ').append(req.target()).append(' ').append(req.version());
      h.append("\r\n");
      for (String[] header : req.headers()) {
        String name = header[0].toLowerCase(Locale.ROOT);
        if (name.equals("expect") || name.equals("connection") || name.equals("keep-alive")) {
          continue;
        }
        h.append(header[0]).append(": ").append(header[1]).append("\r\n");
      }
      h.append("Connection: close\r\n\r\n");
      OutputStream o = up.getOutputStream();
      o.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
      o.write(body);
      o.flush();
      return up.getInputStream().readAllBytes();
    }
  }

  /**
   * The server's response head for the client: without the server's {@code Connection: close} (the
   * client's connection stays open), and with a length when the server relied on closing.
   */
  private static byte[] clientResponseHead(String head, String method, int status, int bodyLength) {
    StringBuilder b = new StringBuilder();
    boolean framed = false;
    String[] lines = head.split("\r\n");
    b.append(lines[0]).append("\r\n");
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      if (line.isEmpty()) {
        continue;
      }
      String name =
          line.substring(0, Math.max(0, line.indexOf(':'))).trim().toLowerCase(Locale.ROOT);
      if (name.equals("connection") || name.equals("keep-alive")) {
        continue;
      }
      if (name.equals("content-length") || name.equals("transfer-encoding")) {
        framed = true;
      }
      b.append(line).append("\r\n");
    }
    boolean bodiless = method.equals("HEAD") || status == 204 || status == 304 || status < 200;
    if (!framed && !bodiless) {
      b.append("Content-Length: ").append(bodyLength).append("\r\n");
    }
    b.append("\r\n");
    return b.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  private void sendError(OutputStream out, Head req, Rule rule) throws IOException {
    String requestId = "FAULTPROXY" + requestIds.incrementAndGet();
    String xml =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>"
            + rule.code
            + "</Code><Message>"
            + rule.message
            + "</Message><RequestId>"
            + requestId
            + "</RequestId></Error>";
    byte[] body = req.method().equals("HEAD") ? new byte[0] : xml.getBytes(StandardCharsets.UTF_8);
    String head =
        "HTTP/1.1 "
            + rule.status
            + " "
            + reason(rule.status)
            + "\r\nContent-Type: application/xml\r\nx-amz-request-id: "
            + requestId
            + "\r\nContent-Length: "
            + body.length
            + "\r\nConnection: close\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();
  }

  private static String reason(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 500 -> "Internal Server Error";
      case 503 -> "Slow Down";
      default -> "Error";
    };
  }

  /** Null at a clean end of stream before any byte of a new request. */
  private static Head readRequestHead(InputStream in) throws IOException {
    String start = readLine(in, true);
    if (start == null) {
      return null;
    }
    while (start.isEmpty()) { // tolerated between requests (RFC 9112 2.2)
      start = readLine(in, true);
      if (start == null) {
        return null;
      }
    }
    String[] parts = start.split(" ", 3);
    if (parts.length != 3) {
      throw new IOException("bad request line: " + start);
    }
    List<String[]> headers = new ArrayList<>();
    int size = start.length();
    for (String line = readLine(in, false); !line.isEmpty(); line = readLine(in, false)) {
      size += line.length();
      if (size > MAX_HEAD) {
        throw new IOException("request head too large");
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new IOException("bad header line: " + line);
      }
      headers.add(new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
    }
    return new Head(parts[0], parts[1], parts[2], headers);
  }

  /** The raw body bytes as sent (chunk framing kept, so it is forwarded unchanged). */
  private static byte[] readBody(Head req, InputStream in) throws IOException {
    String te = trimmed(req.header("Transfer-Encoding"));
    if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
      ByteArrayOutputStream raw = new ByteArrayOutputStream();
      while (true) {
        String sizeLine = readLine(in, false);
        raw.writeBytes((sizeLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        int semi = sizeLine.indexOf(';');
        long size = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
        if (size == 0) {
          for (String t = readLine(in, false); ; t = readLine(in, false)) {
            raw.writeBytes((t + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            if (t.isEmpty()) {
              return raw.toByteArray();
            }
          }
        }
        raw.writeBytes(readExactly(in, size));
        raw.writeBytes(readExactly(in, 2)); // CRLF after the chunk
      }
    }
    long length = contentLength(req);
    return length > 0 ? readExactly(in, length) : new byte[0];
  }

  private static long contentLength(Head req) throws IOException {
    String cl = trimmed(req.header("Content-Length"));
    if (cl == null) {
      return 0;
    }
    try {
      return Long.parseLong(cl);
    } catch (NumberFormatException e) {
      throw new IOException("bad Content-Length: " + cl);
    }
  }

  private static byte[] readExactly(InputStream in, long n) throws IOException {
    if (n > Integer.MAX_VALUE - 8) {
      throw new IOException("body too large for a test proxy: " + n);
    }
    byte[] b = in.readNBytes((int) n);
    if (b.length != n) {
      throw new EOFException("body ended after " + b.length + " of " + n + " bytes");
    }
    return b;
  }

  /** A CRLF- (or LF-) terminated line; null at end of stream only if allowed and nothing read. */
  private static String readLine(InputStream in, boolean eofOk) throws IOException {
    StringBuilder b = new StringBuilder();
    while (true) {
      int c = in.read();
      if (c < 0) {
        if (eofOk && b.length() == 0) {
          return null;
        }
        throw new EOFException("connection closed inside a request head");
      }
      if (c == '\n') {
        int len = b.length();
        if (len > 0 && b.charAt(len - 1) == '\r') {
          b.setLength(len - 1);
        }
        return b.toString();
      }
      if (b.length() > MAX_HEAD) {
        throw new IOException("line too long");
      }
      b.append((char) c);
    }
  }

  private static int statusOf(String head) throws IOException {
    String[] parts = head.split(" ", 3);
    try {
      return Integer.parseInt(parts[1].trim());
    } catch (RuntimeException e) {
      throw new IOException("bad status line: " + head.lines().findFirst().orElse(""));
    }
  }

  private static int indexOf(byte[] data, byte[] pattern) {
    outer:
    for (int i = 0; i + pattern.length <= data.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static String trimmed(String s) {
    return s == null ? null : s.trim();
  }

  /** Closes with an RST (linger 0), what a dead peer or a load balancer's reset looks like. */
  private static void reset(Socket s) {
    try {
      s.setSoLinger(true, 0);
    } catch (SocketException ignored) {
      // already closed
    }
    closeQuietly(s);
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }
}
