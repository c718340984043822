package iris.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import iris.testing.MutableClock;
import iris.testing.Sql;
import iris.testing.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Retention on a fixed clock against the real PostgreSQL: what is older than the retention goes,
 * in statements of at most one batch, oldest first, until a batch comes back short or the run's
 * batches are used up (the next run goes on); what is newer, or exactly at the limit, stays.
 */
class SnapshotPruningIT {
  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
  private static final Duration RETENTION = Duration.ofDays(90);
  private static Vertx vertx;
  private static String db;
  private static SnapshotStore store;
  private static MutableClock clock;
  private static long hostId;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    TestPostgres.Migrated migrated = TestPostgres.migrated(vertx);
    db = migrated.url();
    store = new SnapshotStore(migrated.pool());
    clock = new MutableClock(NOW);
    hostId = (Long) Sql.rows(db, "INSERT INTO hosts (hostname) VALUES ('db1') RETURNING id").get(0).get("id");
  }

  @AfterAll
  static void stop() {
    vertx.close();
  }

  @BeforeEach
  void empty() {
    clock.set(NOW);
    Sql.execute(db, "DELETE FROM metric_snapshots; DELETE FROM metric_snapshot_failures");
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  /** A snapshot taken {@code age} before the fixed now. */
  private static void snapshot(Duration age) {
    Sql.rows(db, "INSERT INTO metric_snapshots (host_id, hostname, instance, taken_at, state) VALUES (?, 'db1', 'default', ?::timestamptz, 'ok')"
        + " RETURNING id", hostId, NOW.minus(age).toString());
  }

  private static void failure(Duration age) {
    Sql.rows(db, "INSERT INTO metric_snapshot_failures (instance, failed_at, error) VALUES ('default', ?::timestamptz, 'down') RETURNING id",
        NOW.minus(age).toString());
  }

  private static List<String> left() {
    return Sql.rows(db, "SELECT taken_at::text AS t FROM metric_snapshots ORDER BY taken_at").stream().map(r -> (String) r.get("t")).toList();
  }

  @Test
  void oldSnapshotsGoInBoundedBatchesAndNewerOnesStay() throws Exception {
    for (int i = 0; i < 10; i++) {
      snapshot(RETENTION.plusDays(1).plusHours(i));
    }
    snapshot(RETENTION); // exactly at the limit: kept
    snapshot(RETENTION.minusMinutes(1));
    snapshot(Duration.ofMinutes(15));
    failure(RETENTION.plusDays(3));
    failure(RETENTION.plusSeconds(1));
    failure(Duration.ofDays(1));

    Pruning.Pruned pruned = await(new Pruning(store, clock, RETENTION, 4, 100).run());

    assertEquals(new Pruning.Pruned(10, 2, 3), pruned, "10 snapshots in batches of 4, 4 and 2; two failures");
    assertEquals(3, left().size(), left().toString());
    assertEquals(1, Sql.count(db, "SELECT count(*) FROM metric_snapshot_failures"));
    assertEquals(1, Sql.count(db, "SELECT count(*) FROM metric_snapshots WHERE taken_at = ?::timestamptz",
        NOW.minus(RETENTION).toString()));

    // Nothing more to do: one short batch.
    assertEquals(new Pruning.Pruned(0, 0, 1), await(new Pruning(store, clock, RETENTION, 4, 100).run()));
  }

  @Test
  void aRunStopsAfterItsBatchesAndTheNextGoesOnOldestFirst() throws Exception {
    for (int i = 0; i < 10; i++) {
      snapshot(RETENTION.plusDays(10 - i));
    }
    snapshot(Duration.ofHours(1));
    Pruning pruning = new Pruning(store, clock, RETENTION, 3, 2);

    assertEquals(new Pruning.Pruned(6, 0, 2), await(pruning.run()));
    assertEquals(5, left().size());
    // The oldest went first: what is left of the old ones is the youngest four.
    assertEquals(4, Sql.count(db, "SELECT count(*) FROM metric_snapshots WHERE taken_at >= ?::timestamptz AND taken_at < ?::timestamptz",
        NOW.minus(RETENTION.plusDays(4)).toString(), NOW.minus(RETENTION).toString()));

    assertEquals(new Pruning.Pruned(4, 0, 2), await(pruning.run()));
    assertEquals(1, left().size());

    // A day later, yesterday's fresh snapshot is still far from the limit; 90 days on, it goes.
    clock.advance(Duration.ofDays(1));
    assertEquals(0, await(pruning.run()).snapshots());
    clock.advance(RETENTION);
    assertEquals(1, await(pruning.run()).snapshots());
    assertEquals(List.of(), left());
  }
}
