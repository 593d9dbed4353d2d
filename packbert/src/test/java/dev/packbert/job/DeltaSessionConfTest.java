package dev.packbert.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DeltaSessionConfTest {
  @Test
  void withoutUserSettingsDeltaGetsBoth() {
    assertEquals(
        Map.of(
            DeltaSessionConf.EXTENSIONS, DeltaSessionConf.DELTA_EXTENSION,
            DeltaSessionConf.CATALOG, DeltaSessionConf.DELTA_CATALOG),
        DeltaSessionConf.settings(k -> null));
  }

  @Test
  void theUsersExtensionsAndCatalogAreKept() {
    String iceberg = "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions";
    Map<String, String> user =
        Map.of(
            DeltaSessionConf.EXTENSIONS,
            iceberg,
            DeltaSessionConf.CATALOG,
            "org.apache.iceberg.spark.SparkSessionCatalog");
    assertEquals(
        Map.of(DeltaSessionConf.EXTENSIONS, iceberg + "," + DeltaSessionConf.DELTA_EXTENSION),
        DeltaSessionConf.settings(user::get));
  }

  @Test
  void deltaAlreadyConfiguredIsNotAddedTwice() {
    Map<String, String> user =
        Map.of(
            DeltaSessionConf.EXTENSIONS,
            DeltaSessionConf.DELTA_EXTENSION,
            DeltaSessionConf.CATALOG,
            DeltaSessionConf.DELTA_CATALOG);
    assertEquals(Map.of(), DeltaSessionConf.settings(user::get));
  }
}
