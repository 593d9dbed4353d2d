package dev.packbert.job;

import com.typesafe.config.Config;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Supplies picocli's defaults from the HOCON config, so --help shows the values a run really uses.
 */
final class ConfigDefaults implements IDefaultValueProvider {
  private final Config config;

  ConfigDefaults(Config config) {
    this.config = config;
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    // A negatable flag keeps no default here: given a default of true, picocli sets that default
    // for the flag's negative form, so --no-narrow-rows left narrow rows on. Unset, the flag is
    // null and EmbedSettings takes the config's value.
    if (!(arg instanceof OptionSpec o) || o.negatable()) {
      return null;
    }
    String key = o.longestName().replaceFirst("^--", "");
    if (config.hasPath(key) && !config.getIsNull(key)) {
      Object v = config.getValue(key).unwrapped();
      return v instanceof String s && s.isEmpty() ? null : String.valueOf(v);
    }
    return null;
  }
}
