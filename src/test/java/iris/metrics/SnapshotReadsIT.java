package iris.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import iris.testing.Sql;
import iris.testing.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reads digests and enrichment rely on ({@link Snapshots}), and the store's writes, against the
 * real PostgreSQL on fixed times: latest per host, periods as [since, until), period summaries,
 * the trend sums against PostgreSQL's own regression, and a run that outlives a deleted host.
 */
class SnapshotReadsIT {
  private static final Instant T0 = Instant.parse("2026-05-01T00:00:00Z");
  private static Vertx vertx;
  private static String db;
  private static SnapshotStore store;
  private static Snapshots snapshots;
  private static long db1;
  private static long web1;
  private static long idle;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    TestPostgres.Migrated migrated = TestPostgres.migrated(vertx);
    db = migrated.url();
    store = new SnapshotStore(migrated.pool());
    snapshots = new Snapshots(migrated.pool());
    db1 = host("db1");
    web1 = host("web1");
    idle = host("idle");
    // db1: a day of 6-hourly snapshots, the disk rising 2 % a day, critical at the end
    for (int i = 0; i <= 4; i++) {
      Level state = i < 3 ? Level.OK : i == 3 ? Level.WARNING : Level.CRITICAL;
      save(db1, "db1", T0.plus(Duration.ofHours(6L * i)), 10.0 + i, 50.0 + 10 * i, 80.0 + 0.5 * i, state);
    }
    save(web1, "web1", T0.plus(Duration.ofHours(3)), 5.0, 20.0, 30.0, Level.OK);
    save(web1, "web1", T0.plus(Duration.ofHours(9)), null, null, null, Level.UNKNOWN);
  }

  @AfterAll
  static void stop() {
    vertx.close();
  }

  private static long host(String name) {
    return (Long) Sql.rows(db, "INSERT INTO hosts (hostname) VALUES (?) RETURNING id", name).get(0).get("id");
  }

  private static void save(long hostId, String hostname, Instant at, Double cpu, Double memory, Double disk, Level state) throws Exception {
    Reading reading = new Reading(cpu, memory, 0.5, disk == null ? List.of() : List.of(new Reading.Disk("/", disk), new Reading.Disk("/boot", 20)),
        1, 1);
    List<Thresholds.Breach> breaches = state == Level.CRITICAL || state == Level.WARNING
        ? List.of(new Thresholds.Breach("memory", state, memory, 85.0, 95.0, null)) : List.of();
    Snapshot s = Snapshot.taken(hostId, hostname, "default", at, reading, new Thresholds.Marking(state, breaches), disk == null ? null : 2.0);
    await(store.saveRun("default", at, List.of(s), null));
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void theLatestOfEachHostThatHasOne() throws Exception {
    Map<Long, Snapshot> latest = await(snapshots.latest(List.of(db1, web1, idle, db1)));
    assertEquals(Set.of(db1, web1), latest.keySet());
    Snapshot d = latest.get(db1);
    assertEquals(T0.plus(Duration.ofHours(24)), d.takenAt());
    assertEquals(Level.CRITICAL, d.state());
    assertEquals(82.0, d.fullestDiskPct());
    assertEquals("/", d.fullestMountpoint());
    assertEquals(List.of(new Reading.Disk("/", 82.0), new Reading.Disk("/boot", 20.0)), d.disks(), "fullest first");
    assertEquals(List.of(new Thresholds.Breach("memory", Level.CRITICAL, 90.0, 85.0, 95.0, null)), d.breaches());
    assertEquals(2.0, d.diskTrendPctPerDay());
    assertEquals(9.0, d.diskFullInDays(), 1e-9);
    assertEquals(Level.UNKNOWN, latest.get(web1).state());
    assertNull(await(snapshots.latest(idle)));

    assertEquals(List.of(db1), await(snapshots.latestOfAll(EnumSet.of(Level.CRITICAL), 10)).stream().map(Snapshot::hostId).toList());
    assertEquals(List.of(db1, web1), await(snapshots.latestOfAll(EnumSet.noneOf(Level.class), 10)).stream().map(Snapshot::hostId).toList());
    assertEquals(List.of(), await(snapshots.latestOfAll(EnumSet.of(Level.OK), 10)));
  }

  @Test
  void aPeriodIsSinceInclusiveUntilExclusiveOldestFirst() throws Exception {
    List<Snapshot> day = await(snapshots.ofHost(db1, T0.plus(Duration.ofHours(6)), T0.plus(Duration.ofHours(18)), 100));
    assertEquals(List.of(T0.plus(Duration.ofHours(6)), T0.plus(Duration.ofHours(12))), day.stream().map(Snapshot::takenAt).toList());
    assertEquals(1, await(snapshots.ofHost(db1, T0, T0.plus(Duration.ofDays(2)), 1)).size(), "the limit");
    Map<Long, List<Snapshot>> both = await(snapshots.ofHosts(List.of(db1, web1, idle), T0, T0.plus(Duration.ofHours(12))));
    assertEquals(2, both.get(db1).size());
    assertEquals(2, both.get(web1).size());
    assertFalse(both.containsKey(idle));
  }

  @Test
  void aPeriodSummaryCountsStatesAndKeepsTheHighestAndTheLast() throws Exception {
    Map<Long, Snapshots.PeriodSummary> week = await(snapshots.summaries(List.of(db1, web1, idle), T0, T0.plus(Duration.ofDays(7))));
    assertEquals(Set.of(db1, web1), week.keySet());
    Snapshots.PeriodSummary d = week.get(db1);
    assertEquals(5, d.snapshots());
    assertEquals(1, d.warning());
    assertEquals(1, d.critical());
    assertEquals(0, d.unknown());
    assertEquals(14.0, d.maxCpuBusyPct());
    assertEquals(90.0, d.maxMemUsedPct());
    assertEquals(82.0, d.maxFullestDiskPct());
    assertTrue(d.overThresholds());
    assertEquals(T0.plus(Duration.ofHours(24)), d.last().takenAt());
    assertEquals(9.0, d.last().diskFullInDays(), 1e-9);
    Snapshots.PeriodSummary w = week.get(web1);
    assertEquals(1, w.unknown());
    assertFalse(w.overThresholds());
    assertEquals(30.0, w.maxFullestDiskPct(), "the highest of the period, though the last had none");
    // Before the critical snapshot, db1 was only over once.
    Snapshots.PeriodSummary early = await(snapshots.summaries(List.of(db1), T0, T0.plus(Duration.ofHours(24)))).get(db1);
    assertEquals(4, early.snapshots());
    assertEquals(0, early.critical());
    assertEquals(Level.WARNING, early.last().state());
  }

  @Test
  void theTrendSumsGiveWhatPostgresqlsRegressionGives() throws Exception {
    Instant now = T0.plus(Duration.ofHours(30));
    DiskTrend.Sums sums = await(store.trendSums(List.of(db1, idle), T0.minus(Duration.ofDays(7)), now)).get(db1);
    assertEquals(5, sums.n());
    double expected = ((Number) Sql.rows(db, "SELECT regr_slope(fullest_disk_pct, extract(epoch FROM taken_at) / 86400) AS s"
        + " FROM metric_snapshots WHERE host_id = ?", db1).get(0).get("s")).doubleValue();
    assertEquals(expected, sums.slope(), 1e-9);
    assertEquals(2.0, sums.slope(), 1e-9, "0.5 % every 6 hours");
    // The run's own point joins them: 30 h after T0 at 82.5 % stays on the line.
    assertEquals(2.0, sums.plus(0, 82.5).slope(), 1e-9);
    assertNull(await(store.trendSums(List.of(idle), T0, now)).get(idle));
  }

  @Test
  void aHostDeletedDuringARunIsLeftOutAndTheRestIsStored() throws Exception {
    long gone = host("gone");
    Instant at = T0.plus(Duration.ofDays(3));
    Reading reading = new Reading(1.0, 2.0, 0.1, List.of(), 1, 1);
    Thresholds.Marking ok = new Thresholds.Marking(Level.OK, List.of());
    Snapshot forGone = Snapshot.taken(gone, "gone", "default", at, reading, ok, null);
    Snapshot forIdle = Snapshot.taken(idle, "idle", "default", at, reading, ok, null);
    Sql.execute(db, "DELETE FROM hosts WHERE hostname = 'gone'");
    await(store.saveRun("default", at, List.of(forGone, forIdle), null));
    assertEquals(1, Sql.count(db, "SELECT count(*) FROM metric_snapshots WHERE host_id = ?", idle));
    assertEquals(0, Sql.count(db, "SELECT count(*) FROM metric_snapshots WHERE host_id = ?", gone));
    Sql.execute(db, "DELETE FROM metric_snapshots WHERE host_id = " + idle);
  }
}
