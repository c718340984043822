package iris.incident;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import iris.testing.TestPostgres;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The stages' reads in the state a storm leaves the database in: statistics gathered while
 * nothing waited, then 60,000 incidents waiting that PostgreSQL has not counted yet. The
 * claim and the queue depth must give the right answers and stay cheap, whatever the
 * planner believes.
 */
class StormReadsIT {
  private static final int GROUPS = 20;
  private static final int WAITING = 60_000;
  /** Waiting before the storm: enough for the statistics to know the state, not its numbers. */
  private static final int QUIET_WAITING = 100;

  private static Vertx vertx;
  private static Pool pool;
  private static Pipeline pipeline;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    TestPostgres.Migrated database = TestPostgres.migrated(vertx);
    pool = database.pool();
    pipeline = new Pipeline(pool, new SimpleMeterRegistry());
    // Before the storm: a quiet history, all of it final, and statistics that say so.
    sql("""
        INSERT INTO incidents (fingerprint, starts_at, status, alertname, labels, group_id, pipeline_state)
        SELECT 'old-' || n, now() - interval '1 day', 'resolved', 'Old', '{}', 1000 + n % 7, 'notified'
        FROM generate_series(1, 5000) n""");
    sql("""
        INSERT INTO incidents (fingerprint, starts_at, status, alertname, labels, group_id, pipeline_state, pipeline_due_at)
        SELECT 'quiet-' || n, now() - interval '1 day', 'firing', 'Old', '{}', 1 + n %% 2, 'received', now() - interval '2 hours'
        FROM generate_series(1, %d) n""".formatted(QUIET_WAITING));
    sql("ANALYZE incidents");
    // The storm: its oldest 1,000 due incidents belong to groups 1 and 2 (as do the quiet ones), the rest to all groups.
    sql("""
        INSERT INTO incidents (fingerprint, starts_at, status, alertname, labels, group_id, pipeline_state, pipeline_due_at)
        SELECT 'storm-' || n, now(), 'firing', 'HostDown', '{}',
               CASE WHEN n <= 1000 THEN 1 + n %% 2 ELSE 1 + n %% %d END, 'received',
               now() - interval '1 hour' + n * interval '1 millisecond'
        FROM generate_series(1, %d) n""".formatted(GROUPS, WAITING));
    sql("""
        INSERT INTO incidents (fingerprint, starts_at, status, alertname, labels, group_id, pipeline_state)
        SELECT 'enriched-' || n, now(), 'firing', 'HostDown', '{}', 1, 'enriched' FROM generate_series(1, 5) n""");
    sql("""
        INSERT INTO incidents (fingerprint, starts_at, status, alertname, labels, group_id, pipeline_state)
        SELECT 'routed-' || n, now(), 'firing', 'HostDown', '{}', 2, 'routed' FROM generate_series(1, 3) n""");
    // Group 50 is being enriched (received a moment ago); group 51 is enriched and nothing else.
    sql("""
        INSERT INTO incidents (fingerprint, starts_at, status, alertname, labels, group_id, pipeline_state)
        SELECT 'g50-' || n, now(), 'firing', 'HostDown', '{}', 50, CASE WHEN n <= 3 THEN 'enriched' ELSE 'received' END
        FROM generate_series(1, 7) n""");
    sql("""
        INSERT INTO incidents (fingerprint, starts_at, status, alertname, labels, group_id, pipeline_state)
        SELECT 'g51-' || n, now(), 'firing', 'HostDown', '{}', 51, 'enriched' FROM generate_series(1, 2) n""");
  }

  @AfterAll
  static void stop() throws Exception {
    await(pool.close());
    await(vertx.close());
  }

  @Test
  void aClaimTakesTheGroupsThatWaitLongestAndSkipsClaimedOnes() throws Exception {
    List<Claim> first = await(pipeline.claim(Stage.ENRICH, 16, Duration.ofMinutes(1)));
    assertEquals(List.of(1L, 2L), first.stream().map(Claim::groupId).sorted().toList(),
        "the first due incidents are groups 1 and 2's");
    List<Claim> second = await(pipeline.claim(Stage.ENRICH, 16, Duration.ofMinutes(1)));
    assertTrue(!second.isEmpty() && second.stream().noneMatch(c -> c.groupId() <= 2),
        "claimed groups are left alone: " + second);
    for (Claim c : first) {
      await(pipeline.release(c));
    }
    for (Claim c : second) {
      await(pipeline.release(c));
    }
  }

  /**
   * The notifier leaves a group alone while its enrichment is under way (group 50: received a
   * moment ago), and takes one whose enrichment lags past the grace (group 1: received incidents
   * waiting for hours) or is done (group 51).
   */
  @Test
  void theNotifierWaitsForAGroupBeingEnrichedButNotForever() throws Exception {
    List<Claim> claims = await(pipeline.claim(Stage.NOTIFY, 16, Duration.ofMinutes(1)));
    assertEquals(List.of(1L, 51L), claims.stream().map(Claim::groupId).sorted().toList());
    for (Claim c : claims) {
      await(pipeline.release(c));
    }
  }

  /**
   * Statistics that lag a storm make the planner expect a walk along the due index to be dear
   * and a scan of every waiting incident to be cheap. Here it is told so (a random page costs
   * 100 times a sequential one): the plain statement then reads the whole backlog, and the
   * function the claim uses still reads a few pages.
   */
  @Test
  void findingReadyGroupsReadsAFewPagesWhateverThePlannerBelieves() throws Exception {
    long pages = await(pool.query("SELECT pg_relation_size('incidents') / current_setting('block_size')::int").execute()
        .map(rows -> rows.iterator().next().getLong(0)));
    long plain = blocksMisled("""
        SELECT DISTINCT due.group_id FROM (
          SELECT i.group_id FROM incidents i
          WHERE i.pipeline_state = 'received' AND i.pipeline_due_at <= now()
            AND i.group_id NOT IN (SELECT c.group_id FROM pipeline_claims c WHERE c.lease_until > now())
          ORDER BY i.pipeline_due_at LIMIT 500) due
        LIMIT 16""");
    assertTrue(plain > pages / 2, "a misled planner scans the backlog: " + plain + " blocks of " + pages);
    long function = blocksMisled("SELECT * FROM pipeline_due_groups('received', 500, 16, interval '1 minute')");
    assertTrue(function < pages / 10, "the due groups touched " + function + " blocks; the table has " + pages);
  }

  @Test
  void theQueueDepthCountsEachWaitingState() throws Exception {
    Map<PipelineState, Long> depth = await(pipeline.depth());
    assertEquals(Map.of(PipelineState.RECEIVED, (long) WAITING + QUIET_WAITING + 4, PipelineState.ENRICHED, 10L, PipelineState.ROUTED, 3L), depth);
  }

  /**
   * Shared buffers a statement hit or read (its inner statements included), planned by a
   * planner misled as above.
   */
  private static long blocksMisled(String sql) throws Exception {
    // Run once first: a connection's first call reads the catalogs, which would count too.
    Row row = await(pool.withTransaction(conn -> conn.query("SET LOCAL random_page_cost = 100").execute()
        .compose(v -> conn.query(sql).execute())
        .compose(v -> conn.query("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql).execute())
        .map(rows -> rows.iterator().next())));
    var plan = ((JsonArray) row.getValue(0)).getJsonObject(0).getJsonObject("Plan");
    return plan.getLong("Shared Hit Blocks") + plan.getLong("Shared Read Blocks");
  }

  private static void sql(String statement) throws Exception {
    await(pool.query(statement).execute());
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
