package dev.packbert.bench;

import dev.packbert.job.PackBertCli;
import picocli.CommandLine;

/** Entry point of {@code bin/packbert bench}: the bench module's command, run as the CLI runs. */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) {
    System.exit(
        PackBertCli.execute(
            new CommandLine(new BenchCommand()).setCommandName("packbert bench"), args));
  }
}
