package dev.packbert.job;

import dev.packbert.bench.BenchCommand;
import dev.packbert.model.ModelFormatException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code bin/packbert} and of the cluster jar. */
@Command(
    name = "packbert",
    mixinStandardHelpOptions = true,
    version = "PackBERT 0.1.0",
    description = "Packed-sequence BERT embeddings on Apache Spark.",
    subcommands = {EmbedCommand.class, BenchCommand.class})
public class PackBertCli implements Runnable {

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the CLI and returns its exit code (tests call this instead of main). */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new PackBertCli());
    try {
      // conf/application.conf holds the job's defaults; bench keeps its own (BERT-base, not the
      // job's default model), so the provider serves embed only
      cli.getSubcommands()
          .get("embed")
          .setDefaultValueProvider(
              new ConfigDefaults(JobConfig.load(JobConfig.configFileArgument(args))));
    } catch (UserError e) {
      System.err.println("packbert: " + e.getMessage());
      return 2;
    }
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

  static String oneLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("").trim();
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
