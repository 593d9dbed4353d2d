package dev.packbert.job;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.io.File;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The layered defaults: {@code conf/application.conf} (inside the jar and in the checkout), then a
 * user's {@code --config FILE}. Command-line flags sit above both.
 */
final class JobConfig {
  private JobConfig() {}

  static Config load(String userFile) {
    Config base = ConfigFactory.parseResources("application.conf");
    File local = new File("conf/application.conf");
    if (local.isFile()) {
      base = ConfigFactory.parseFile(local).withFallback(base);
    }
    if (userFile != null) {
      File f = new File(userFile);
      if (!f.isFile()) {
        throw new UserError("--config " + userFile + ": no such file");
      }
      base =
          ConfigFactory.parseFile(f, ConfigParseOptions.defaults().setAllowMissing(false))
              .withFallback(base);
    }
    Config c = base.resolve();
    if (!c.hasPath("packbert")) {
      throw new UserError(
          "configuration has no 'packbert' section (is conf/application.conf on the classpath?)");
    }
    return c.getConfig("packbert");
  }

  static Map<String, String> sparkSettings(Config c) {
    Map<String, String> m = new LinkedHashMap<>();
    if (c.hasPath("spark")) {
      for (var e : c.getConfig("spark").entrySet()) {
        m.put(e.getKey().replace("\"", ""), String.valueOf(e.getValue().unwrapped()));
      }
    }
    return m;
  }

  /** Finds {@code --config FILE} before picocli runs, so the file can supply picocli's defaults. */
  static String configFileArgument(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        return args[i + 1];
      }
      if (args[i].startsWith("--config=")) {
        return args[i].substring("--config=".length());
      }
    }
    return null;
  }
}
