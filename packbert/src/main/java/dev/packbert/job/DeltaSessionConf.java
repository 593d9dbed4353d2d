package dev.packbert.job;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The two session settings Delta needs, merged with the user's own: the user's {@code
 * spark.sql.extensions} are kept and Delta's appended (a user with, say, Iceberg's extension keeps
 * it), and a {@code spark_catalog} the user chose is left alone.
 */
final class DeltaSessionConf {
  static final String EXTENSIONS = "spark.sql.extensions";
  static final String CATALOG = "spark.sql.catalog.spark_catalog";
  static final String DELTA_EXTENSION = "io.delta.sql.DeltaSparkSessionExtension";
  static final String DELTA_CATALOG = "org.apache.spark.sql.delta.catalog.DeltaCatalog";

  private DeltaSessionConf() {}

  /**
   * @param userSetting the user's value of a setting ({@code --conf}, then spark-submit's), or null
   * @return the settings to give the session builder
   */
  static Map<String, String> settings(Function<String, String> userSetting) {
    Map<String, String> m = new LinkedHashMap<>();
    String ext = userSetting.apply(EXTENSIONS);
    if (ext == null || ext.isBlank()) {
      m.put(EXTENSIONS, DELTA_EXTENSION);
    } else if (!ext.contains(DELTA_EXTENSION)) {
      m.put(EXTENSIONS, ext + "," + DELTA_EXTENSION);
    }
    String catalog = userSetting.apply(CATALOG);
    if (catalog == null || catalog.isBlank()) {
      m.put(CATALOG, DELTA_CATALOG);
    }
    return m;
  }
}
