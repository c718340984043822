package iris.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lines an incident's enrichment and message carry about its host. */
class HostHealthTest {
  private static final Instant TAKEN = Instant.parse("2026-11-24T03:00:00Z");

  private static Snapshot snapshot(Level state, List<Thresholds.Breach> breaches, Double fullest, Double trend, Double fullIn) {
    return new Snapshot(7, 3, "db1", "default", TAKEN, 12.4, 40.6, 0.31, true, 2, 3,
        fullest == null ? List.of() : List.of(new Reading.Disk("/", fullest)), fullest == null ? null : "/", fullest, state, breaches,
        trend, fullIn);
  }

  @Test
  void aBreachedDiskSaysItsLevelTrendAndWhenItIsFull() {
    Snapshot s = snapshot(Level.CRITICAL, List.of(new Thresholds.Breach("disk", Level.CRITICAL, 91.2, 80.0, 90.0, "/"),
        new Thresholds.Breach("memory", Level.WARNING, 88.0, 85.0, 95.0, null),
        new Thresholds.Breach("up", Level.WARNING, 2, null, null, null)), 91.2, 1.23, 7.15);
    assertEquals(List.of("disk / 91 % (critical), +1.2 %/day, full in ~7 days", "memory 88 % (warning)", "targets down: 1 of 3 (warning)"),
        HostHealth.lines(s));
  }

  @Test
  void aHostWithinItsLevelsGetsOneLineOfFigures() {
    assertEquals(List.of("CPU 12 %, memory 41 %, disk / 55 %, load 0.31 per core: within thresholds"),
        HostHealth.lines(snapshot(Level.OK, List.of(), 55.0, -0.4, null)));
  }

  @Test
  void aDiskFillingUpSoonIsSaidEvenUnderItsLevels() {
    assertEquals(List.of("disk / 60 %, +5.0 %/day, full in ~8 days"), HostHealth.lines(snapshot(Level.OK, List.of(), 60.0, 5.0, 8.0)));
    assertEquals(List.of("disk / 99 %, +20.0 %/day, full in less than a day"),
        HostHealth.lines(snapshot(Level.OK, List.of(), 99.4, 20.0, 0.03)));
    // A month away is not worth a line of its own.
    assertEquals(1, HostHealth.lines(snapshot(Level.OK, List.of(), 60.0, 1.3, 30.0)).size());
    assertEquals("full in ~1 day", "full in " + HostHealth.days(1.4));
  }

  @Test
  void nothingFromPrometheusIsSaid() {
    assertEquals(List.of("no metrics from Prometheus default for this host"),
        HostHealth.lines(snapshot(Level.UNKNOWN, List.of(), null, null, null)));
  }

  @Test
  void anOldSnapshotSaysHowOld() {
    Snapshot s = snapshot(Level.OK, List.of(), 55.0, null, null);
    JsonObject fresh = HostHealth.json(s, TAKEN.plus(Duration.ofMinutes(20)), Duration.ofMinutes(15));
    assertEquals("CPU 12 %, memory 41 %, disk / 55 %, load 0.31 per core: within thresholds", fresh.getString("text"));
    assertEquals("ok", fresh.getString("state"));
    assertEquals(7L, fresh.getJsonObject("snapshot").getLong("id"));
    JsonObject old = HostHealth.json(s, TAKEN.plus(Duration.ofMinutes(45)), Duration.ofMinutes(15));
    assertEquals(fresh.getString("text") + " (snapshot 45 min old)", old.getString("text"));
    assertEquals(" (snapshot 5 h old)", HostHealth.json(s, TAKEN.plus(Duration.ofHours(5)), Duration.ofMinutes(15)).getString("text")
        .substring(fresh.getString("text").length()));
  }
}
