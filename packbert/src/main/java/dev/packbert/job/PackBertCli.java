package dev.packbert.job;

import dev.packbert.model.ModelFormatException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code bin/packbert} and of the cluster jar. */
@Command(
    name = "packbert",
    mixinStandardHelpOptions = true,
    version = "PackBERT 0.1.0",
    description = "Packed-sequence BERT embeddings on Apache Spark.",
    subcommands = {EmbedCommand.class})
public class PackBertCli implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(PackBertCli.class);

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the CLI and returns its exit code (tests call this instead of main). */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new PackBertCli());
    try {
      // conf/application.conf holds the job's defaults
      cli.getSubcommands()
          .get("embed")
          .setDefaultValueProvider(
              new ConfigDefaults(JobConfig.load(JobConfig.configFileArgument(args))));
    } catch (UserError e) {
      System.err.println("packbert: " + e.getMessage());
      return 2;
    }
    return execute(cli, args);
  }

  /**
   * Runs {@code cli} the way every PackBERT command runs: a user's mistake or a broken model is one
   * line and exit code 2, anything else a line, its stack trace and exit code 1. The bench module's
   * own entry point runs its command through this too.
   */
  public static int execute(CommandLine cli, String... args) {
    cli.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          Throwable root = ex;
          if (ex instanceof UserError
              || ex instanceof ModelFormatException
              || ex instanceof IllegalArgumentException) {
            System.err.println("packbert: " + oneLine(ex.getMessage()));
            // the console gets the line; the trace of what caused it goes to the log at debug level
            LOG.debug("packbert: {}", oneLine(ex.getMessage()), ex);
            return 2;
          }
          while (root.getCause() != null && root.getCause() != root) {
            if (root instanceof ModelFormatException) {
              break;
            }
            root = root.getCause();
          }
          if (root instanceof ModelFormatException) {
            System.err.println("packbert: " + oneLine(root.getMessage()));
            return 2;
          }
          // an internal failure: its trace is for a bug report, with credential values removed
          Configuration secrets = secretsOf(args);
          System.err.println(
              "packbert: failed: "
                  + ex.getClass().getSimpleName()
                  + ": "
                  + StorageErrors.scrub(oneLine(ex.getMessage()), secrets));
          StringWriter trace = new StringWriter();
          ex.printStackTrace(new PrintWriter(trace));
          System.err.print(StorageErrors.scrub(trace.toString(), secrets));
          return 1;
        });
    cli.setParameterExceptionHandler(
        (ex, a) -> {
          System.err.println("packbert: " + oneLine(ex.getMessage()) + " (see --help)");
          return 2;
        });
    return cli.execute(args);
  }

  /**
   * The settings that may hold credentials, for {@link StorageErrors#scrub}: every {@code --conf
   * key=value} of the command line (spark.hadoop.* also without the prefix), the spark.* system
   * properties spark-submit sets, and the AWS credential environment variables.
   */
  static Configuration secretsOf(String... args) {
    Configuration c = new Configuration(false);
    List<String> pairs = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--conf") && i + 1 < args.length) {
        pairs.add(args[++i]);
      } else if (args[i].startsWith("--conf=")) {
        pairs.add(args[i].substring("--conf=".length()));
      }
    }
    System.getProperties()
        .stringPropertyNames()
        .forEach(k -> pairs.add(k + "=" + System.getProperty(k)));
    for (String pair : pairs) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        String k = pair.substring(0, eq);
        c.set(
            k.startsWith("spark.hadoop.") ? k.substring("spark.hadoop.".length()) : k,
            pair.substring(eq + 1));
      }
    }
    for (String env : List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")) {
      String v = System.getenv(env);
      if (v != null) {
        c.set("env." + env.toLowerCase(java.util.Locale.ROOT).replace('_', '.'), v);
      }
    }
    return c;
  }

  public static String oneLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("").trim();
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
