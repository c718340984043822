package iris.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iris.ConfigException;
import iris.ConfigSource;
import iris.metrics.ThresholdOverride.Bound;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsSettingsTest {
  private static MetricsSettings settings(Map<String, String> env) {
    return MetricsSettings.from(ConfigSource.load(null, env));
  }

  private static String refused(Map<String, String> env) {
    return assertThrows(ConfigException.class, () -> settings(env)).getMessage();
  }

  @Test
  void theDefaultsAreTheIssues() {
    MetricsSettings s = settings(Map.of());
    assertEquals(Duration.ofMinutes(15), s.snapshotInterval());
    assertEquals(Duration.ofDays(90), s.retention());
    assertEquals(7, s.trendDays());
    assertEquals(Map.of(Metric.CPU, new Limits(80, 90), Metric.MEMORY, new Limits(85, 95), Metric.DISK, new Limits(80, 90),
        Metric.LOAD, new Limits(2, 4)), s.thresholds().defaults());
    assertEquals(List.of(), s.thresholds().overrides());
  }

  @Test
  void theEnvironmentSetsIntervalRetentionAndOverrides() {
    MetricsSettings s = settings(Map.of("IRIS_METRICS_SNAPSHOT_INTERVAL", "PT5M", "IRIS_METRICS_RETENTION", "P30D",
        "IRIS_METRICS_OVERRIDES", "[{\"service\":\"postgres\",\"disk\":{\"warning\":85,\"critical\":95}},"
            + "{\"host\":\"db1\",\"cpu\":{\"critical\":99}}]"));
    assertEquals(Duration.ofMinutes(5), s.snapshotInterval());
    assertEquals(Duration.ofDays(30), s.retention());
    assertEquals(List.of(new ThresholdOverride(null, "postgres", Map.of(Metric.DISK, new Bound(85.0, 95.0))),
        new ThresholdOverride("db1", null, Map.of(Metric.CPU, new Bound(null, 99.0)))), s.thresholds().overrides());
  }

  @Test
  void mistakesNameTheirKey() {
    assertTrue(refused(Map.of("IRIS_METRICS_SNAPSHOT_INTERVAL", "15m")).startsWith("metrics.snapshot_interval (IRIS_METRICS_SNAPSHOT_INTERVAL)"));
    assertTrue(refused(Map.of("IRIS_METRICS_RETENTION", "P0D")).startsWith("metrics.retention (IRIS_METRICS_RETENTION)"));
    assertTrue(refused(Map.of("IRIS_METRICS_THRESHOLDS_DISK_WARNING", "95")).startsWith("metrics.thresholds.disk.warning"));
    assertTrue(refused(Map.of("IRIS_METRICS_THRESHOLDS_CPU_CRITICAL", "lots")).startsWith("metrics.thresholds.cpu.critical"));
    String key = "IRIS_METRICS_OVERRIDES";
    assertTrue(refused(Map.of(key, "{}")).contains("must be a list"));
    assertTrue(refused(Map.of(key, "[{\"disk\":{\"warning\":1}}]")).contains("[0]: name exactly one of host or service"));
    assertTrue(refused(Map.of(key, "[{\"host\":\"a\",\"service\":\"b\",\"disk\":{\"warning\":1}}]")).contains("exactly one"));
    assertTrue(refused(Map.of(key, "[{\"host\":\"a\",\"disks\":{\"warning\":1}}]")).contains("[0].disks: unknown metric"));
    assertTrue(refused(Map.of(key, "[{\"host\":\"a\",\"disk\":{\"warn\":1}}]")).contains("[0].disk.warn: only warning and critical"));
    assertTrue(refused(Map.of(key, "[{\"host\":\"a\",\"disk\":{\"warning\":-1}}]")).contains("[0].disk.warning: must be a number"));
    assertTrue(refused(Map.of(key, "[{\"host\":\"a\",\"disk\":{\"warning\":95,\"critical\":90}}]")).contains("above critical"));
    assertTrue(refused(Map.of(key, "[{\"host\":\"a\"}]")).contains("at least one"));
  }
}
