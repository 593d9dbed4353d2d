package dev.packbert.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Negatable flags parse as a user reads them. picocli gives a negatable boolean whose declared name
 * is the positive one and whose default is true that same default for its negative form: {@code
 * --no-narrow-rows} (default true from conf/application.conf) left narrow rows on until
 * ConfigDefaults stopped supplying defaults to negatable flags.
 */
class NegatableFlagsTest {
  private static EmbedCommand parse(String... more) {
    EmbedCommand c = new EmbedCommand();
    String[] args = new String[more.length + 4];
    args[0] = "--input";
    args[1] = "in.txt";
    args[2] = "--output";
    args[3] = "out";
    System.arraycopy(more, 0, args, 4, more.length);
    CommandLine cli = new CommandLine(c);
    cli.setDefaultValueProvider(new ConfigDefaults(JobConfig.load(null)));
    cli.parseArgs(args);
    return c;
  }

  /** Dedupe is on by default, declared as --no-dedupe for that reason (the same picocli rule). */
  @Test
  void dedupeOnByDefaultOffWithNoDedupeOnWithDedupe() {
    assertEquals(true, parse().dedupe);
    assertEquals(false, parse("--no-dedupe").dedupe);
    assertEquals(true, parse("--dedupe").dedupe);
  }

  /** Unset, the config's narrow-rows (true) applies in EmbedSettings; found by this test. */
  @Test
  void narrowRowsFollowTheFlagEitherWay() {
    assertNull(parse().narrowRows);
    assertEquals(false, parse("--no-narrow-rows").narrowRows);
    assertEquals(true, parse("--narrow-rows").narrowRows);
    assertEquals(false, parse("--no-normalize").normalize);
    assertEquals(true, parse("--normalize").normalize);
  }
}
