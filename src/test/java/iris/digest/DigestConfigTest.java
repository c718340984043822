package iris.digest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iris.ConfigException;
import iris.ConfigSource;
import iris.IrisConfig;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The digest settings: the documented defaults, and a bad value fails start-up naming its key. */
class DigestConfigTest {
  private static IrisConfig.Digest digest(Map<String, String> env) {
    return IrisConfig.from(ConfigSource.load(null, env)).digest();
  }

  @Test
  void defaults() {
    IrisConfig.Digest d = digest(Map.of());
    assertEquals("0 7 * * *", d.cron("daily"));
    assertEquals("0 7 * * 1", d.cron("weekly"));
    assertEquals("0 7 1 * *", d.cron("monthly"));
    assertEquals(ZoneId.of("UTC"), d.zone());
    assertEquals(Map.of("critical", Duration.ofHours(4), "warning", Duration.ofHours(24), "info", Duration.ofDays(3)), d.sla());
    assertEquals(List.of(), d.infrastructure());
    assertEquals("weekly", d.generalFrequency());
    assertEquals("", d.publicUrl());
    assertEquals(5, d.noisyRules());
  }

  @Test
  void theZoneFallsBackToTheSchedulersAndListsAreTrimmed() {
    IrisConfig.Digest d = digest(Map.of("IRIS_SCHEDULE_TIMEZONE", "Europe/Berlin", "IRIS_DIGEST_INFRASTRUCTURE_STAKEHOLDERS", " ops , noc,ops",
        "IRIS_DIGEST_PUBLIC_URL", "https://iris.example.org/"));
    assertEquals(ZoneId.of("Europe/Berlin"), d.zone());
    assertEquals(List.of("ops", "noc"), d.infrastructure());
    assertEquals("https://iris.example.org", d.publicUrl());
  }

  @Test
  void aBadValueNamesItsKey() {
    for (Map.Entry<String, String> bad : Map.of("IRIS_DIGEST_DAILY_CRON", "at seven", "IRIS_DIGEST_SLA", "critical=4h",
        "IRIS_DIGEST_GENERAL_FREQUENCY", "hourly", "IRIS_DIGEST_PUBLIC_URL", "iris.example.org",
        "IRIS_DIGEST_TIMEZONE", "Mars/Olympus", "IRIS_DIGEST_SHORT_FIRE", "5m").entrySet()) {
      ConfigException e = assertThrows(ConfigException.class, () -> digest(Map.of(bad.getKey(), bad.getValue())), bad.getKey());
      assertTrue(e.getMessage().contains(bad.getKey()), e.getMessage());
    }
  }
}
