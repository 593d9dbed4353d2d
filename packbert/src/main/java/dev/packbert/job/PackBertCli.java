package dev.packbert.job;

import dev.packbert.model.ModelFormatException;
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
          System.err.println(
              "packbert: failed: "
                  + ex.getClass().getSimpleName()
                  + ": "
                  + oneLine(ex.getMessage()));
          ex.printStackTrace();
          return 1;
        });
    cli.setParameterExceptionHandler(
        (ex, a) -> {
          System.err.println("packbert: " + oneLine(ex.getMessage()) + " (see --help)");
          return 2;
        });
    return cli.execute(args);
  }

  public static String oneLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("").trim();
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
