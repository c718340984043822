package iris.incident;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The one owner of {@code incidents.pipeline_state}: every move of an incident between states
 * is a method here, and stages call nothing else to move one. Stages work per alert group
 * under a {@link Claim}; each move a stage makes is fenced by the claim's token, so a node
 * that lost its claim (a long pause, a partition) changes nothing. The intake is the only
 * other writer: it enters incidents as {@code received} (new, or resolved again).
 */
public final class Pipeline {
  /** How many due rows the claim looks through for groups: bounded work per claim under a storm. */
  private static final int CLAIM_SCAN = 500;

  private static final String CLAIM = """
      WITH ready AS (
        SELECT DISTINCT group_id FROM (
          SELECT group_id FROM incidents
          WHERE pipeline_state = $1 AND pipeline_due_at <= now()
            AND group_id NOT IN (SELECT group_id FROM pipeline_claims WHERE lease_until > now())
          ORDER BY pipeline_due_at LIMIT %d) due
        LIMIT $3)
      INSERT INTO pipeline_claims AS c (stage, group_id, token, lease_until, attempts)
      SELECT $2, group_id, 1, now() + $4::bigint * interval '1 millisecond', 1 FROM ready
      ON CONFLICT (stage, group_id) DO UPDATE SET token = c.token + 1, lease_until = EXCLUDED.lease_until,
        attempts = c.attempts + 1
        WHERE c.lease_until <= now()
      RETURNING group_id, token, attempts""".formatted(CLAIM_SCAN);

  // Appended to a stage's move: only while the claim is still this one.
  private static final String FENCED =
      " AND EXISTS (SELECT 1 FROM pipeline_claims c WHERE c.stage = $2 AND c.group_id = $3 AND c.token = $4)";

  private static final String MOVE = """
      UPDATE incidents SET pipeline_state = $5, pipeline_reason = $6, pipeline_changed_at = now(), pipeline_due_at = now()%s
      WHERE id = ANY($1) AND group_id = $3 AND pipeline_state = $7""";

  private static final String RETURNING = " RETURNING id, EXTRACT(EPOCH FROM now() - status_changed_at)::float8 AS lag";

  private final Pool pool;
  private final Pool leases;
  private final Map<PipelineState, DistributionSummary> lag = new EnumMap<>(PipelineState.class);

  public Pipeline(Pool pool, MeterRegistry registry) {
    this(pool, pool, registry);
  }

  /** @param leases where claims are taken and released (asynchronous commit: see {@code Database.leasePool}) */
  public Pipeline(Pool pool, Pool leases, MeterRegistry registry) {
    this.pool = pool;
    this.leases = leases;
    for (PipelineState state : PipelineState.values()) {
      if (state != PipelineState.RECEIVED) {
        lag.put(state, DistributionSummary.builder("iris_pipeline_lag_seconds")
            .description("Seconds from an alert's firing or resolution reaching Iris to its incident entering a state")
            .baseUnit("seconds").tag("state", state.sql())
            .serviceLevelObjectives(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600)
            .register(registry));
      }
    }
  }

  /**
   * Takes up to {@code limit} alert groups with due work for {@code stage}, for {@code lease}.
   * A group held by any stage is left alone: the notifier never sees a group half enriched.
   */
  public Future<List<Claim>> claim(Stage stage, int limit, Duration lease) {
    return leases.preparedQuery(CLAIM).execute(Tuple.of(stage.from().sql(), stage.sql(), limit, lease.toMillis()))
        .map(rows -> {
          List<Claim> claims = new ArrayList<>();
          rows.forEach(r -> claims.add(new Claim(stage, r.getLong("group_id"), r.getLong("token"), r.getInteger("attempts"))));
          return claims;
        });
  }

  /** The stage is done with the group for now: anyone may claim it again at once. */
  public Future<Void> release(Claim claim) {
    return leases.preparedQuery("""
            UPDATE pipeline_claims SET lease_until = now(), attempts = 0 WHERE stage = $1 AND group_id = $2 AND token = $3""")
        .execute(Tuple.of(claim.stage().sql(), claim.groupId(), claim.token())).mapEmpty();
  }

  /** The stage failed on the group: keep it for {@code wait}, so a broken group is not retried in a tight loop. */
  public Future<Void> backOff(Claim claim, Duration wait) {
    return leases.preparedQuery("""
            UPDATE pipeline_claims SET lease_until = now() + $4::bigint * interval '1 millisecond'
            WHERE stage = $1 AND group_id = $2 AND token = $3""")
        .execute(Tuple.of(claim.stage().sql(), claim.groupId(), claim.token(), wait.toMillis())).mapEmpty();
  }

  /** received → enriched; {@code enrichmentId} null for a resolution, which needs none. Returns the ids moved. */
  public Future<List<Long>> enriched(Claim claim, List<Long> ids, Long enrichmentId) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    String sql = MOVE.formatted(", enrichment_id = COALESCE($8, enrichment_id)") + FENCED + RETURNING;
    return move(pool, sql, params(claim, ids, PipelineState.ENRICHED, null, PipelineState.RECEIVED).addLong(enrichmentId),
        PipelineState.ENRICHED);
  }

  /** enriched → suppressed, saying why. */
  public Future<List<Long>> suppressed(Claim claim, List<Long> ids, String reason) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return move(pool, MOVE.formatted("") + FENCED + RETURNING,
        params(claim, ids, PipelineState.SUPPRESSED, reason, PipelineState.ENRICHED), PipelineState.SUPPRESSED);
  }

  /** enriched → failed, saying why (nobody to tell). */
  public Future<List<Long>> failed(Claim claim, List<Long> ids, String reason) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return move(pool, MOVE.formatted("") + FENCED + RETURNING,
        params(claim, ids, PipelineState.FAILED, reason, PipelineState.ENRICHED), PipelineState.FAILED);
  }

  /** enriched → routed, in the transaction that wrote their messages to the outbox ({@code client}). */
  public Future<List<Long>> routed(SqlClient client, Claim claim, List<Long> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return move(client, MOVE.formatted("") + FENCED + RETURNING,
        params(claim, ids, PipelineState.ROUTED, null, PipelineState.ENRICHED), PipelineState.ROUTED);
  }

  /**
   * Stays enriched until {@code until}: a flaky host's alert held, or a resolution waiting for
   * its firing message to be settled. The notifier claims the group again then.
   */
  public Future<List<Long>> postponed(Claim claim, List<Long> ids, OffsetDateTime until, String reason) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    String sql = """
        UPDATE incidents SET pipeline_due_at = $5, pipeline_reason = $6
        WHERE id = ANY($1) AND group_id = $3 AND pipeline_state = $7""" + FENCED + " RETURNING id";
    Tuple params = Tuple.tuple().addArrayOfLong(ids.toArray(Long[]::new)).addString(claim.stage().sql())
        .addLong(claim.groupId()).addLong(claim.token()).addOffsetDateTime(until).addString(reason)
        .addString(PipelineState.ENRICHED.sql());
    return pool.preparedQuery(sql).execute(params).map(Pipeline::ids);
  }

  // A delivery counts as sent here once its own row says so; $1 is a delivery just marked sent
  // in the same statement (a statement does not see its own CTE's update), or 0.
  private static final String SETTLE = """
      UPDATE incidents i SET pipeline_state = CASE WHEN d.sent THEN 'notified' ELSE 'failed' END,
        pipeline_reason = CASE WHEN d.sent THEN NULL ELSE 'every message failed or was cancelled' END,
        pipeline_changed_at = now()
      FROM (SELECT o.id, bool_or(dl.state = 'sent' OR dl.id = $1) AS sent,
                   bool_or(dl.state = 'queued' AND dl.id <> $1) AS queued
            FROM deliveries dl JOIN incidents o ON o.id = ANY(dl.incident_ids) AND o.status = dl.kind
            WHERE dl.incident_ids && $2 AND o.id = ANY($2) GROUP BY o.id) d
      WHERE i.id = d.id AND i.pipeline_state = 'routed' AND (d.sent OR NOT d.queued)
      RETURNING i.id, EXTRACT(EPOCH FROM now() - i.status_changed_at)::float8 AS lag,
        CASE WHEN d.sent THEN 'notified' ELSE 'failed' END AS state""";

  /**
   * routed → notified once one of an incident's messages (of its current status) was sent, or →
   * failed once none is left to try. {@code sentDelivery} counts as sent (0 for none).
   */
  public Future<Void> settle(SqlClient client, long sentDelivery, List<Long> incidentIds) {
    if (incidentIds.isEmpty()) {
      return Future.succeededFuture();
    }
    return client.preparedQuery(SETTLE).execute(Tuple.of(sentDelivery).addArrayOfLong(incidentIds.toArray(Long[]::new)))
        .map(rows -> {
          rows.forEach(r -> lag.get(PipelineState.of(r.getString("state"))).record(Math.max(0, r.getDouble("lag"))));
          return null;
        });
  }

  public Future<Void> settle(long sentDelivery, List<Long> incidentIds) {
    return settle(pool, sentDelivery, incidentIds);
  }

  /** How many incidents wait in each waiting state: the pipeline's queue depth. */
  public Future<Map<PipelineState, Long>> depth() {
    return pool.query("""
            SELECT pipeline_state, count(*) AS n FROM incidents
            WHERE pipeline_state IN ('received', 'enriched', 'routed') GROUP BY pipeline_state""").execute()
        .map(rows -> {
          Map<PipelineState, Long> depth = new EnumMap<>(PipelineState.class);
          PipelineState.WAITING.forEach(s -> depth.put(s, 0L));
          rows.forEach(r -> depth.put(PipelineState.of(r.getString("pipeline_state")), r.getLong("n")));
          return depth;
        });
  }

  private static Tuple params(Claim claim, List<Long> ids, PipelineState to, String reason, PipelineState from) {
    return Tuple.tuple().addArrayOfLong(ids.toArray(Long[]::new)).addString(claim.stage().sql()).addLong(claim.groupId())
        .addLong(claim.token()).addString(to.sql()).addString(reason).addString(from.sql());
  }

  private Future<List<Long>> move(SqlClient client, String sql, Tuple params, PipelineState to) {
    return client.preparedQuery(sql).execute(params).map(rows -> {
      DistributionSummary summary = lag.get(to);
      rows.forEach(r -> summary.record(Math.max(0, r.getDouble("lag"))));
      return ids(rows);
    });
  }

  private static List<Long> ids(RowSet<Row> rows) {
    List<Long> ids = new ArrayList<>();
    rows.forEach(r -> ids.add(r.getLong("id")));
    return ids;
  }
}
