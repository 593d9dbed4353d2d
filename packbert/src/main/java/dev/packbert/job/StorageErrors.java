package dev.packbert.job;

import java.io.FileNotFoundException;
import java.lang.reflect.Method;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.ConfigRedactor;
import org.apache.hadoop.conf.Configuration;

/**
 * Storage failures (S3A, the local file system, HDFS) as one line that says what happened to {@code
 * --input} or {@code --output} and which settings to check, for the CLI to print with exit code 2
 * instead of a stack trace.
 *
 * <p>The line is built only from fixed text, the location the user gave (without any user-info
 * part), the bucket, the endpoint's host and port, and an S3 error code and HTTP status: never from
 * an exception's message. S3 error messages come from the server, and some S3 implementations echo
 * request details in them (the access key id among them; real S3 puts it in the error body's {@code
 * <AWSAccessKeyId>}); S3A then copies the SDK's text into its own exception messages. So the
 * settings to check are named, never their values.
 *
 * <p>S3A and AWS SDK classes are recognised by name, not with {@code instanceof}: hadoop-aws is
 * provided by the cluster, and a job that never touches s3a must not need it on its class path to
 * describe a local-file error.
 */
public final class StorageErrors {
  private static final String CREDENTIALS =
      "fs.s3a.access.key, fs.s3a.secret.key, fs.s3a.session.token and"
          + " fs.s3a.aws.credentials.provider (or their fs.s3a.bucket.BUCKET.* overrides)";

  /** The host and port in Apache HttpClient's "Connect to HOST:PORT [...] failed" messages. */
  private static final Pattern CONNECT_TO = Pattern.compile("Connect to ([A-Za-z0-9.:\\[\\]_-]+) ");

  private StorageErrors() {}

  /**
   * One line for a storage failure at {@code location}, or empty if {@code t} is not one this class
   * recognises (the caller then reports it as an internal failure, its message passed through
   * {@link #scrub}).
   *
   * @param role {@code "--input"} or {@code "--output"}: which option the line names, and whether
   *     access means reading or writing
   */
  public static Optional<String> describe(Throwable t, String location, String role) {
    List<Throwable> chain = chain(t);
    String where = role + " " + safeLocation(location);
    boolean writing = !"--input".equals(role);
    String bucket = bucketOf(location);

    // No credentials at all: S3A fails before sending anything.
    if (any(chain, "org.apache.hadoop.fs.s3a.CredentialInitializationException")) {
      return line(
          where,
          "no S3 credentials were found; set fs.s3a.access.key and fs.s3a.secret.key, or name a"
              + " credentials provider in fs.s3a.aws.credentials.provider");
    }

    // The server answered with an S3 error: its status and code say what happened.
    Throwable service = first(chain, "com.amazonaws.AmazonServiceException");
    boolean unknownStore = any(chain, "org.apache.hadoop.fs.s3a.UnknownStoreException");
    if (service != null || unknownStore) {
      int status = service == null ? 404 : intProperty(service, "getStatusCode");
      String code =
          service == null ? "NoSuchBucket" : safeCode(stringProperty(service, "getErrorCode"));
      return Optional.of(serviceError(where, bucket, status, code, writing, chain));
    }

    // Answered by a file system, not a server.
    if (any(chain, "org.apache.hadoop.fs.ParentNotDirectoryException")
        || anyMessage(chain, "org.apache.hadoop.fs.FileAlreadyExistsException", "not a directory")
        || anyMessage(chain, "org.apache.hadoop.fs.FileAlreadyExistsException", "is a file")) {
      return Optional.of(isAFile(location, role));
    }
    for (Throwable c : chain) {
      String m = String.valueOf(c.getMessage());
      if (m.contains("Read-only file system")) {
        return line(where, "the file system is read-only; choose a writable location");
      }
      if (m.contains("Permission denied")
          || c instanceof java.nio.file.AccessDeniedException
              && !any(chain, "com.amazonaws.AmazonClientException")) {
        return line(
            where,
            "permission denied; choose a location this user may "
                + (writing ? "write" : "read")
                + " or fix its permissions");
      }
      if (m.startsWith("Mkdirs failed to create")) {
        // Hadoop's local file system turns a refused mkdir (read-only, no permission) into this
        return line(
            where,
            "cannot create the directory (read-only or not permitted); choose a writable location");
      }
    }

    // Could not talk to the endpoint at all.
    Throwable unknownHost = firstOf(chain, UnknownHostException.class);
    if (unknownHost != null) {
      return line(
          where,
          "unknown host "
              + safeHost(String.valueOf(unknownHost.getMessage()).split(": ", 2)[0])
              + "; check fs.s3a.endpoint (and fs.s3a.path.style.access: without it the bucket"
              + " name is part of the host name)");
    }
    if (firstOf(chain, ConnectException.class) != null
        || firstOf(chain, NoRouteToHostException.class) != null) {
      return line(
          where,
          "cannot connect to the storage endpoint"
              + endpointOf(chain)
              + " (connection refused); check fs.s3a.endpoint, fs.s3a.connection.ssl.enabled and"
              + " fs.s3a.proxy.host/port, and that the service is running");
    }
    if (anyNameEndsWith(chain, ".ConnectTimeoutException")) {
      return line(
          where,
          "timed out connecting to the storage endpoint"
              + endpointOf(chain)
              + "; check fs.s3a.endpoint and the network, or raise"
              + " fs.s3a.connection.establish.timeout");
    }
    if (firstOf(chain, SocketTimeoutException.class) != null) {
      return line(
          where,
          "the storage endpoint did not answer in time (after the retries of"
              + " fs.s3a.attempts.maximum and fs.s3a.retry.limit); check fs.s3a.endpoint, or raise"
              + " fs.s3a.connection.timeout if the service is slow");
    }
    if (anyNameEndsWith(chain, "javax.net.ssl.SSLException")
        || anyNameEndsWith(chain, "SSLHandshakeException")) {
      return line(
          where,
          "TLS to the storage endpoint failed; check fs.s3a.connection.ssl.enabled against the"
              + " scheme of fs.s3a.endpoint");
    }
    if (anyNameEndsWith(chain, ".NoHttpResponseException")
        || anyNameEndsWith(chain, ".ConnectionClosedException")
        || firstOf(chain, SocketException.class) != null) {
      return line(
          where,
          "the connection to the storage endpoint kept failing (closed or reset) after the"
              + " retries of fs.s3a.attempts.maximum and fs.s3a.retry.limit; try again later");
    }

    // Nothing there, for a location that must exist.
    if (!writing
        && (firstOf(chain, FileNotFoundException.class) != null
            || anyMessage(chain, "org.apache.spark.sql.AnalysisException", "PATH_NOT_FOUND"))) {
      return line(where, "no such file or directory");
    }
    return Optional.empty();
  }

  /**
   * A failure of the job after its checks (a slice's write, a marker, the summary, a late read of
   * the input) as a {@link UserError} with one line, or empty if it is not a storage failure. The
   * role is {@code --input} if only the input's location appears in the exceptions' messages, else
   * {@code --output}. {@code committedSlices}, where known and positive, is added so the user knows
   * that {@code --resume} keeps work.
   */
  public static Optional<UserError> asUserError(
      Throwable t, String input, String output, int committedSlices) {
    if (t instanceof UserError) {
      return Optional.empty();
    }
    boolean inputNamed = mentions(t, input);
    boolean outputNamed = mentions(t, output);
    boolean isInput = inputNamed && !outputNamed;
    String location = isInput ? input : output;
    return describe(t, location, isInput ? "--input" : "--output")
        .map(
            line ->
                new UserError(
                    committedSlices > 0
                        ? line
                            + " ("
                            + committedSlices
                            + (committedSlices == 1 ? " slice is" : " slices are")
                            + " committed: rerun with --resume to finish)"
                        : line,
                    t));
  }

  /** True if the failure concerns a storage endpoint that did not answer (connect or read). */
  static boolean isTimeout(Throwable t) {
    List<Throwable> chain = chain(t);
    return firstOf(chain, SocketTimeoutException.class) != null
        || anyNameEndsWith(chain, ".ConnectTimeoutException");
  }

  /** True if some message in the chain names the location's path (scheme and bucket aside). */
  private static boolean mentions(Throwable t, String location) {
    String path;
    try {
      path = new org.apache.hadoop.fs.Path(safeLocation(location)).toUri().getPath();
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (path == null || path.replace("/", "").isEmpty()) {
      return false;
    }
    String p = path.replaceAll("/+$", "");
    for (Throwable c : chain(t)) {
      if (String.valueOf(c.getMessage()).contains(p)) {
        return true;
      }
    }
    return false;
  }

  /** The line for an output (or input) location that is a file where a directory is needed. */
  public static String isAFile(String location, String role) {
    return role
        + " "
        + safeLocation(location)
        + ": is a file, not a directory; choose another path or remove the file";
  }

  private static String serviceError(
      String where,
      String bucket,
      int status,
      String code,
      boolean writing,
      List<Throwable> chain) {
    String verb = writing ? "write to" : "read";
    if (code.equals("NoSuchBucket")) {
      return where
          + ": bucket "
          + (bucket == null ? "" : bucket + " ")
          + "does not exist at the configured endpoint; check the bucket name, fs.s3a.endpoint and"
          + " fs.s3a.endpoint.region";
    }
    if (status == 403) {
      return where
          + ": "
          + switch (code) {
            case "InvalidAccessKeyId" -> "the storage service does not know the access key";
            case "SignatureDoesNotMatch" -> "the secret key does not match the access key";
            case "ExpiredToken", "TokenRefreshRequired" -> "the session credentials have expired";
            case "InvalidToken" -> "the session token is not valid";
            case "AccessDenied" -> "access denied: these credentials may not " + verb + " it";
            case "RequestTimeTooSkewed" -> "the clock of this machine is too far off";
            // a HEAD has no error body, so the SDK can only report the status
            default ->
                "access denied (HTTP 403): the credentials were refused or may not " + verb + " it";
          }
          + (code.equals("RequestTimeTooSkewed")
              ? "; synchronise its time (NTP)"
              : "; check "
                  + CREDENTIALS
                  + (code.equals("AccessDenied") ? ", and the bucket policy" : ""));
    }
    if (status == 301
        || code.equals("PermanentRedirect")
        || code.equals("AuthorizationHeaderMalformed")
        || any(chain, "org.apache.hadoop.fs.s3a.AWSRedirectException")) {
      return where
          + ": the bucket is in another region than the endpoint ("
          + http(status, code)
          + "); check fs.s3a.endpoint and fs.s3a.endpoint.region";
    }
    if (status == 503 || code.equals("SlowDown") || code.equals("Throttling")) {
      return where
          + ": the storage service kept throttling requests ("
          + http(status, code)
          + ") after the retries of fs.s3a.retry.throttle.limit; try again later or raise"
          + " fs.s3a.retry.throttle.limit and fs.s3a.retry.throttle.interval";
    }
    if (status >= 500) {
      return where
          + ": the storage service failed ("
          + http(status, code)
          + ") after the retries of fs.s3a.retry.limit; try again later";
    }
    if (writing && (code.equals("NoSuchUpload") || code.equals("InvalidPart"))) {
      // a completion that S3 carried out but whose answer was lost, then retried: the upload is
      // gone (NoSuchUpload on most stores, InvalidPart on S3Proxy); no retry setting absorbs it
      return where
          + ": a multipart upload was gone when it was to be completed ("
          + http(status, code)
          + "; its first completion's answer was probably lost), so this write is not committed;"
          + " run again with --resume, which rewrites every slice that is not committed";
    }
    return where + ": the storage service refused the request (" + http(status, code) + ")";
  }

  /**
   * {@code text} with the values of the configuration's credentials replaced by {@code ***}: for
   * the rare message that must be printed as it is (an unrecognised failure). Credentials are the
   * keys Hadoop itself treats as sensitive ({@code hadoop.security.sensitive-config-keys}) plus the
   * access key ids and session tokens that Hadoop does not count as secret.
   */
  public static String scrub(String text, Configuration conf) {
    if (text == null || conf == null) {
      return text;
    }
    ConfigRedactor redactor = new ConfigRedactor(conf);
    Pattern alsoSensitive =
        Pattern.compile("(access[.-]?key|session[.-]?token|secret)", Pattern.CASE_INSENSITIVE);
    // longest first, so a value that contains another is replaced whole
    Set<String> values =
        new TreeSet<>(
            (a, b) -> b.length() != a.length() ? b.length() - a.length() : a.compareTo(b));
    for (Map.Entry<String, String> e : conf) {
      String v = e.getValue();
      if (v == null || v.length() < 4) {
        continue; // "", "true" and the like would blank out ordinary words
      }
      boolean sensitive =
          !v.equals(redactor.redact(e.getKey(), v)) || alsoSensitive.matcher(e.getKey()).find();
      if (sensitive && !e.getKey().endsWith(".provider") && !e.getKey().endsWith(".type")) {
        values.add(v);
      }
    }
    for (String v : values) {
      text = text.replace(v, "***");
    }
    return text;
  }

  /** The location without a {@code user:password@} part, on one line. */
  static String safeLocation(String location) {
    String s = String.valueOf(location).replaceAll("[\\r\\n]+", " ");
    return s.replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*://)[^/@]*@", "$1");
  }

  private static String bucketOf(String location) {
    try {
      URI u = URI.create(safeLocation(location).trim());
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      return Set.of("s3a", "s3", "s3n").contains(scheme) ? u.getHost() : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Optional<String> line(String where, String what) {
    return Optional.of(where + ": " + what);
  }

  /** The exception and its causes, each once (a cause cycle ends the walk). */
  private static List<Throwable> chain(Throwable t) {
    List<Throwable> out = new ArrayList<>();
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    for (Throwable c = t; c != null && seen.put(c, true) == null; c = c.getCause()) {
      out.add(c);
      for (Throwable s : c.getSuppressed()) {
        if (seen.put(s, true) == null) {
          out.add(s);
        }
      }
    }
    return out;
  }

  /** True if {@code t}'s class or a superclass has this name. */
  private static boolean isA(Throwable t, String className) {
    for (Class<?> c = t.getClass(); c != null; c = c.getSuperclass()) {
      if (c.getName().equals(className)) {
        return true;
      }
    }
    return false;
  }

  private static boolean any(List<Throwable> chain, String className) {
    return first(chain, className) != null;
  }

  private static Throwable first(List<Throwable> chain, String className) {
    for (Throwable t : chain) {
      if (isA(t, className)) {
        return t;
      }
    }
    return null;
  }

  private static boolean anyNameEndsWith(List<Throwable> chain, String suffix) {
    for (Throwable t : chain) {
      for (Class<?> c = t.getClass(); c != null; c = c.getSuperclass()) {
        if (c.getName().endsWith(suffix)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean anyMessage(List<Throwable> chain, String className, String fragment) {
    for (Throwable t : chain) {
      if (isA(t, className)
          && String.valueOf(t.getMessage())
              .toLowerCase(Locale.ROOT)
              .contains(fragment.toLowerCase(Locale.ROOT))) {
        return true;
      }
    }
    return false;
  }

  private static <T extends Throwable> T firstOf(List<Throwable> chain, Class<T> type) {
    for (Throwable t : chain) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  private static int intProperty(Throwable t, String getter) {
    try {
      Method m = t.getClass().getMethod(getter);
      return ((Number) m.invoke(t)).intValue();
    } catch (ReflectiveOperationException | RuntimeException e) {
      return 0;
    }
  }

  private static String stringProperty(Throwable t, String getter) {
    try {
      Method m = t.getClass().getMethod(getter);
      return String.valueOf(m.invoke(t));
    } catch (ReflectiveOperationException | RuntimeException e) {
      return "";
    }
  }

  /**
   * An S3 error code as printable: codes are CamelCase words; anything else is reduced to letters,
   * digits and spaces, and kept short.
   */
  private static String safeCode(String code) {
    if (code == null || code.matches("\\d{3} .*")) {
      return ""; // "503 Slow Down": the SDK's stand-in when the answer had no body (a HEAD)
    }
    String s = code.replaceAll("[^A-Za-z0-9 ]", "");
    return s.length() > 40 ? s.substring(0, 40) : s;
  }

  /** "HTTP 503 SlowDown", or "HTTP 503" when there is no code. */
  private static String http(int status, String code) {
    return "HTTP " + status + (code.isEmpty() ? "" : " " + code);
  }

  private static String safeHost(String host) {
    String s = host == null ? "" : host.replaceAll("[^A-Za-z0-9.:\\[\\]_-]", "");
    return s.length() > 100 ? s.substring(0, 100) : s;
  }

  /** " (HOST:PORT)" from HttpClient's connect failure, or "" if no message names it. */
  private static String endpointOf(List<Throwable> chain) {
    for (Throwable t : chain) {
      Matcher m = CONNECT_TO.matcher(String.valueOf(t.getMessage()));
      if (m.find()) {
        return " " + safeHost(m.group(1));
      }
    }
    return "";
  }
}
