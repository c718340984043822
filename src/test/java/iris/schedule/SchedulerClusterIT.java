package iris.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import iris.IrisConfig;
import iris.db.Database;
import iris.testing.MutableClock;
import iris.testing.Sql;
import iris.testing.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Schedulers of two nodes against one real PostgreSQL, each with its own advisory-lock
 * connection, driven by a clock the test moves: every slot runs once in the cluster.
 */
class SchedulerClusterIT {
  private static final AtomicInteger LOCK_KEYS = new AtomicInteger(1000);

  private Vertx vertx;
  private TestPostgres.Migrated db;
  private PgConnectOptions options;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T09:59:30Z"));
  private final List<LeaderLock> locks = new ArrayList<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    db = TestPostgres.migrated(vertx);
    options = Database.connectOptions(db.url(), new IrisConfig.Db(db.url(), 2, Duration.ofSeconds(2), 0));
  }

  @AfterEach
  void tearDown() throws Exception {
    for (LeaderLock lock : locks) {
      await(lock.release());
    }
    await(vertx.close());
  }

  /** One node's scheduler parts, with its own metrics registry. */
  private record Node(Scheduling scheduling, PrometheusMeterRegistry registry) {}

  private Node node(String name, ScheduledJob... jobs) {
    Jobs registry = new Jobs();
    for (ScheduledJob job : jobs) {
      registry.add(job);
    }
    JobRunStore runs = new JobRunStore(db.pool());
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    JobMetrics metrics = new JobMetrics(meters);
    return new Node(new Scheduling(registry, runs, new JobRunner(runs, metrics, clock, name), metrics), meters);
  }

  private LeaderLock lock(long key) {
    LeaderLock lock = new LeaderLock(vertx, options, key);
    locks.add(lock);
    return lock;
  }

  private static ScheduledJob counting(String name, Schedule schedule, AtomicInteger runs) {
    return new ScheduledJob(name, schedule, Duration.ofMinutes(1), () -> {
      runs.incrementAndGet();
      return Future.succeededFuture();
    });
  }

  /** Ticks and waits until the runs the tick started have recorded their outcome. */
  private static List<JobRunner.Started> tickAndFinish(Scheduler scheduler) throws Exception {
    List<JobRunner.Started> started = await(scheduler.tick());
    for (JobRunner.Started run : started) {
      await(run.outcome());
    }
    return started;
  }

  @Test
  void twoNodesRunEachSlotOnceAndTheOtherTakesOverWhenTheLeaderGoes() throws Exception {
    long key = LOCK_KEYS.incrementAndGet();
    AtomicInteger ranOnA = new AtomicInteger();
    AtomicInteger ranOnB = new AtomicInteger();
    Schedule everyMinute = Schedule.cron("* * * * *", ZoneOffset.UTC);
    LeaderLock lockA = lock(key);
    Scheduler a = new Scheduler(node("node-a", counting("count", everyMinute, ranOnA)).scheduling(), lockA, clock);
    Scheduler b = new Scheduler(node("node-b", counting("count", everyMinute, ranOnB)).scheduling(), lock(key), clock);

    for (int minute = 0; minute < 5; minute++) {
      clock.advance(Duration.ofMinutes(1));
      // Both nodes pass twice per slot, in both orders.
      tickAndFinish(a);
      tickAndFinish(b);
      tickAndFinish(b);
      tickAndFinish(a);
    }
    assertEquals(5, ranOnA.get(), "node a holds the lock and runs the five slots 10:00 to 10:04");
    assertEquals(0, ranOnB.get());
    assertEquals(5, Sql.count(db.url(), "SELECT count(*) FROM job_runs WHERE job = 'count' AND node = 'node-a' AND outcome = 'ok'"));

    await(lockA.release()); // as when node a dies: PostgreSQL frees its session lock
    clock.advance(Duration.ofMinutes(1));
    tickAndFinish(b);
    assertEquals(0, tickAndFinish(a).size(), "b holds the lock now: a does not run");
    tickAndFinish(b);
    assertEquals(1, ranOnB.get(), "node b took over and ran the 10:05 slot once");
    assertEquals(5, ranOnA.get());
    List<Map<String, Object>> rows = Sql.rows(db.url(), "SELECT scheduled_for, node FROM job_runs ORDER BY scheduled_for");
    assertEquals(6, rows.size());
    assertEquals("node-b", rows.get(5).get("node"));
  }

  @Test
  void twoNodesThatBothBelieveTheyLeadStillRunASlotOnce() throws Exception {
    // The lock was lost mid-run and another node took it: both pass with leadership.
    Scheduler.Leadership always = () -> Future.succeededFuture(true);
    AtomicInteger ran = new AtomicInteger();
    Promise<Void> release = Promise.promise();
    ScheduledJob slow = new ScheduledJob("slow", Schedule.cron("* * * * *", ZoneOffset.UTC), Duration.ofMinutes(1), () -> {
      ran.incrementAndGet();
      return release.future();
    });
    Scheduler a = new Scheduler(node("node-a", slow).scheduling(), always, clock);
    Scheduler b = new Scheduler(node("node-b", slow).scheduling(), always, clock);
    clock.advance(Duration.ofMinutes(1));

    List<JobRunner.Started> first = await(a.tick());
    List<JobRunner.Started> second = await(b.tick());
    assertEquals(1, first.size() + second.size(), "one of them claimed the 10:00 slot");
    clock.advance(Duration.ofMinutes(1));
    assertEquals(0, await(b.tick()).size(), "10:01 has come, but the job still runs on a: b may not start it beside it");
    assertEquals(1, ran.get());

    release.complete();
    assertEquals(JobRun.OK, await(first.get(0).outcome()));
    List<JobRunner.Started> next = await(b.tick());
    assertEquals(1, next.size(), "once it has finished, the 10:01 slot runs");
    assertEquals(Instant.parse("2026-03-01T10:01:00Z"), next.get(0).slot());
    await(next.get(0).outcome());
    assertEquals(2, ran.get());
    assertEquals(2, Sql.count(db.url(), "SELECT count(*) FROM job_runs WHERE job = 'slow'"));
  }

  @Test
  void aRestartAfterMissedSlotsRunsTheJobOnceNotOncePerSlot() throws Exception {
    long key = LOCK_KEYS.incrementAndGet();
    AtomicInteger ran = new AtomicInteger();
    Schedule hourly = Schedule.cron("0 * * * *", ZoneOffset.UTC);
    ScheduledJob job = counting("hourly", hourly, ran);

    LeaderLock firstLock = lock(key);
    Scheduler first = new Scheduler(node("node-a", job).scheduling(), firstLock, clock);
    clock.set(Instant.parse("2026-03-01T10:00:10Z"));
    assertEquals(1, tickAndFinish(first).size());
    await(firstLock.release()); // the node stops at 10:30 and is down for the 11:00, 12:00 and 13:00 slots

    clock.set(Instant.parse("2026-03-01T13:20:00Z"));
    Scheduler restarted = new Scheduler(node("node-a", job).scheduling(), lock(key), clock);
    List<JobRunner.Started> recovery = tickAndFinish(restarted);
    assertEquals(1, recovery.size());
    assertEquals(Instant.parse("2026-03-01T13:00:00Z"), recovery.get(0).slot());
    clock.set(Instant.parse("2026-03-01T13:25:00Z"));
    assertEquals(0, tickAndFinish(restarted).size());
    assertEquals(2, ran.get(), "10:00, then one catch-up run for the three missed slots");
    assertEquals(List.of("schedule", "catch_up"),
        Sql.rows(db.url(), "SELECT trigger FROM job_runs ORDER BY scheduled_for").stream().map(r -> r.get("trigger")).toList());

    clock.set(Instant.parse("2026-03-01T14:00:05Z"));
    assertEquals(1, tickAndFinish(restarted).size(), "back on schedule");
    assertEquals("schedule", Sql.rows(db.url(), "SELECT trigger FROM job_runs ORDER BY scheduled_for DESC LIMIT 1").get(0).get("trigger"));

    // A restart that missed nothing runs nothing.
    await(locks.get(locks.size() - 1).release());
    clock.set(Instant.parse("2026-03-01T14:40:00Z"));
    Scheduler again = new Scheduler(node("node-a", job).scheduling(), lock(key), clock);
    assertEquals(0, tickAndFinish(again).size());
    assertEquals(3, ran.get());
  }

  @Test
  void failuresAndTimeoutsAreRecordedAndCounted() throws Exception {
    Schedule everyMinute = Schedule.cron("* * * * *", ZoneOffset.UTC);
    AtomicInteger ok = new AtomicInteger();
    Node node = node("node-a",
        counting("fine", everyMinute, ok),
        new ScheduledJob("broken", everyMinute, Duration.ofMinutes(1), () -> Future.failedFuture("disk full")),
        new ScheduledJob("throws", everyMinute, Duration.ofMinutes(1), () -> {
          throw new IllegalStateException("bug");
        }),
        // Never completes: ended by its (short) timeout.
        new ScheduledJob("hangs", everyMinute, Duration.ofMillis(200), () -> Promise.<Void>promise().future()));
    Scheduler scheduler = new Scheduler(node.scheduling(), lock(LOCK_KEYS.incrementAndGet()), clock);
    clock.set(Instant.parse("2026-03-01T10:00:30Z"));
    assertEquals(4, tickAndFinish(scheduler).size());

    Map<String, String> errors = new java.util.HashMap<>();
    Sql.rows(db.url(), "SELECT job, outcome, error, finished_at FROM job_runs").forEach(row -> {
      assertTrue(row.get("finished_at") != null);
      errors.put((String) row.get("job"), row.get("outcome") + ": " + row.get("error"));
    });
    assertEquals(Map.of("fine", "ok: null", "broken", "failed: disk full", "throws", "failed: bug", "hangs", "failed: timed out"), errors);

    String scrape = node.registry().scrape();
    assertTrue(scrape.contains("iris_job_runs_total{job=\"fine\",outcome=\"ok\"} 1.0"), scrape);
    assertTrue(scrape.contains("iris_job_runs_total{job=\"hangs\",outcome=\"failed\"} 1.0"), scrape);
    assertTrue(scrape.contains("iris_job_duration_seconds_bucket{job=\"fine\",le=\"0.01\"}"), "histogram buckets: " + scrape);
    assertTrue(scrape.contains("iris_job_last_success_timestamp_seconds{job=\"fine\"} " + (double) clock.instant().getEpochSecond()), scrape);
    assertTrue(!scrape.contains("iris_job_last_success_timestamp_seconds{job=\"broken\"}"), "never succeeded: no timestamp");
  }

  @Test
  void aRunAbandonedByADeadNodeIsMarkedFailedAndTheJobRunsAgain() throws Exception {
    AtomicInteger ran = new AtomicInteger();
    Node node = node("node-b", counting("count", Schedule.cron("* * * * *", ZoneOffset.UTC), ran));
    Sql.execute(db.url(), """
        INSERT INTO job_runs (job, scheduled_for, trigger, started_at, deadline, outcome, node)
        VALUES ('count', '2026-03-01T09:58:00Z', 'schedule', '2026-03-01T09:58:00Z', '2026-03-01T09:59:00Z', 'running', 'node-a')""");
    Scheduler scheduler = new Scheduler(node.scheduling(), lock(LOCK_KEYS.incrementAndGet()), clock);
    clock.set(Instant.parse("2026-03-01T10:00:01Z"));
    assertEquals(1, tickAndFinish(scheduler).size());
    assertEquals(1, ran.get());
    Map<String, Object> dead = Sql.rows(db.url(), "SELECT outcome, error FROM job_runs WHERE node = 'node-a'").get(0);
    assertEquals("failed", dead.get("outcome"));
    assertTrue(((String) dead.get("error")).startsWith("abandoned"));
    assertEquals(JobRun.CATCH_UP, Sql.rows(db.url(), "SELECT trigger FROM job_runs WHERE node = 'node-b'").get(0).get("trigger"),
        "09:59 was missed while the dead run blocked it");
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
