package iris.incident;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/**
 * The one owner of {@code incidents.pipeline_state}: every move of an incident between states
 * is a method here, and stages call nothing else to move one. Stages work per alert group
 * under a {@link Claim}; each move a stage makes is fenced by the claim's token, so a node
 * that lost its claim (a long pause, a partition) changes nothing. The intake is the only
 * other writer: it enters incidents as {@code received} (new, or resolved again).
 */
public final class Pipeline {
  /** How the reason of a muted alert sent on after its maintenance window begins ({@link #unmuted}). */
  public static final String STILL_FIRING = "still firing after maintenance";

  /** How many due rows the claim looks through for groups: bounded work per claim under a storm. */
  private static final int CLAIM_SCAN = 500;
  /**
   * How long the notifier leaves a group alone while its enrichment is under way (the oldest of
   * its due received incidents waited less than this): the enrich stage, which takes one slice
   * of a group per claim while the intake is busy, is about to finish it, and the group makes
   * one message. Past it, the notifier sends what is enriched, so a long storm is not silent.
   */
  public static final Duration ENRICHING_GRACE = Duration.ofSeconds(60);
  /** The queue depth counts no further than this per state. */
  public static final int DEPTH_CAP = 100_000;
  // One capped count per waiting state, each naming its state so that a partial index applies.
  private static final String DEPTH = PipelineState.WAITING.stream()
      .map(s -> "SELECT '%1$s' AS pipeline_state, (SELECT count(*) FROM (SELECT 1 FROM incidents WHERE pipeline_state = '%1$s' LIMIT $1) w) AS n"
          .formatted(s.sql()))
      .collect(Collectors.joining(" UNION ALL "));

  // The groups come from pipeline_due_groups (V21): a walk along the due index that a storm's
  // stale statistics cannot turn into a scan of every waiting incident.
  private static final String CLAIM = """
      WITH ready AS (SELECT g AS group_id FROM pipeline_due_groups($4, $5, $2, $6::bigint * interval '1 millisecond') AS g)
      INSERT INTO pipeline_claims AS c (stage, group_id, token, lease_until, attempts)
      SELECT $1, group_id, nextval('pipeline_claim_token'), now() + $3::bigint * interval '1 millisecond', 1 FROM ready
      ON CONFLICT (stage, group_id) DO UPDATE SET token = EXCLUDED.token, lease_until = EXCLUDED.lease_until,
        attempts = c.attempts + 1
        WHERE c.lease_until <= now()
      RETURNING group_id, token, attempts""";

  // Appended to a stage's move: only while the claim is still this one.
  private static final String FENCED =
      " AND EXISTS (SELECT 1 FROM pipeline_claims c WHERE c.stage = $2 AND c.group_id = $3 AND c.token = $4)";

  private static final String MOVE = """
      UPDATE incidents SET pipeline_state = $5, pipeline_reason = $6, pipeline_changed_at = now(), pipeline_due_at = now()%s
      WHERE id = ANY($1) AND group_id = $3 AND pipeline_state = $7""";

  private static final String RETURNING = " RETURNING id, EXTRACT(EPOCH FROM now() - status_changed_at)::float8 AS lag";

  /**
   * A write that goes into the same statement as a move, so that both commit together in one
   * round trip: a data-modifying statement returning {@code id}, its parameters numbered from
   * the number {@code sql} is given. The store that owns the table builds it.
   */
  public record Alongside(IntFunction<String> sql, List<Object> params) {}

  /** What a move to routed did: the incidents moved, and the rows written alongside (none when nothing moved). */
  public record Routed(List<Long> moved, List<Long> written) {}

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
    Tuple params = Tuple.of(stage.sql(), limit, lease.toMillis(), stage.from().sql(), CLAIM_SCAN, ENRICHING_GRACE.toMillis());
    return leases.preparedQuery(CLAIM).execute(params)
        .map(rows -> {
          List<Claim> claims = new ArrayList<>();
          rows.forEach(r -> claims.add(new Claim(stage, r.getLong("group_id"), r.getLong("token"), r.getInteger("attempts"))));
          return claims;
        });
  }

  /**
   * The stage is done with the group for now: anyone may claim it again at once. The row goes
   * (tokens are never reused, so nothing needs it), which keeps the claim's look-up small.
   */
  public Future<Void> release(Claim claim) {
    return release(List.of(claim)).mapEmpty();
  }

  /** {@link #release(Claim)} for many claims in one statement (a stage's groups finishing together); one answer per claim. */
  public Future<List<Void>> release(List<Claim> claims) {
    if (claims.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    Tuple params = Tuple.tuple().addArrayOfString(claims.stream().map(c -> c.stage().sql()).toArray(String[]::new))
        .addArrayOfLong(claims.stream().map(Claim::groupId).toArray(Long[]::new))
        .addArrayOfLong(claims.stream().map(Claim::token).toArray(Long[]::new));
    return leases.preparedQuery("""
            DELETE FROM pipeline_claims c USING unnest($1::text[], $2::bigint[], $3::bigint[]) AS r(stage, group_id, token)
            WHERE c.stage = r.stage AND c.group_id = r.group_id AND c.token = r.token""")
        .execute(params).map(rows -> Collections.nCopies(claims.size(), (Void) null));
  }

  /** The stage failed on the group: keep it for {@code wait}, so a broken group is not retried in a tight loop. */
  public Future<Void> backOff(Claim claim, Duration wait) {
    return leases.preparedQuery("""
            UPDATE pipeline_claims SET lease_until = now() + $4::bigint * interval '1 millisecond'
            WHERE stage = $1 AND group_id = $2 AND token = $3""")
        .execute(Tuple.of(claim.stage().sql(), claim.groupId(), claim.token(), wait.toMillis())).mapEmpty();
  }

  /**
   * One group's part of a move to enriched made together with other groups' ({@link #enriched(List, Alongside)}).
   *
   * @param enrichmentId an enrichment to link, or null
   * @param savedAlertname the alert name of a new enrichment saved alongside for this group, or null
   */
  public record EnrichedMove(Claim claim, List<Long> ids, Long enrichmentId, String savedAlertname) {}

  /**
   * received → enriched for several groups in one statement, each part fenced by its own claim's
   * token: a group whose claim was lost moves nothing, the others move. {@code saved} (null for
   * none) saves new enrichments in the same statement, reading rows of {@code group_id} and
   * {@code alertname} and returning {@code id, group_id, alertname}; a part with a
   * {@code savedAlertname} links the enrichment saved for its group and alert name. Returns the
   * ids moved, per part, in order.
   */
  public Future<List<List<Long>>> enriched(List<EnrichedMove> moves, Alongside saved) {
    JsonArray req = new JsonArray();
    for (int n = 0; n < moves.size(); n++) {
      EnrichedMove m = moves.get(n);
      req.add(new JsonObject().put("n", n).put("stage", m.claim().stage().sql()).put("group_id", m.claim().groupId())
          .put("token", m.claim().token()).put("ids", new JsonArray(new ArrayList<>(m.ids())))
          .put("enrichment_id", m.enrichmentId()).put("alertname", m.savedAlertname()));
    }
    String sql = "WITH req AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(n int, stage text, group_id bigint, token bigint,"
        + " ids bigint[], enrichment_id bigint, alertname text))"
        + (saved == null ? "" : ", saved AS (" + saved.sql().apply(2) + ")")
        + """
        UPDATE incidents i SET pipeline_state = 'enriched', pipeline_reason = NULL, pipeline_changed_at = now(), pipeline_due_at = now(),
          enrichment_id = COALESCE(%s r.enrichment_id, i.enrichment_id)
        FROM req r
        WHERE i.id = ANY(r.ids) AND i.group_id = r.group_id AND i.pipeline_state = 'received'
          AND EXISTS (SELECT 1 FROM pipeline_claims c WHERE c.stage = r.stage AND c.group_id = r.group_id AND c.token = r.token)
        RETURNING r.n, i.id, EXTRACT(EPOCH FROM now() - i.status_changed_at)::float8 AS lag"""
            .formatted(saved == null ? "" : "(SELECT s.id FROM saved s WHERE s.group_id = r.group_id AND s.alertname = r.alertname),");
    Tuple params = Tuple.of(req);
    if (saved != null) {
      saved.params().forEach(params::addValue);
    }
    return pool.preparedQuery(sql).execute(params).map(rows -> {
      List<List<Long>> out = new ArrayList<>();
      moves.forEach(m -> out.add(new ArrayList<>()));
      DistributionSummary summary = lag.get(PipelineState.ENRICHED);
      for (Row r : rows) {
        out.get(r.getInteger("n")).add(r.getLong("id"));
        summary.record(Math.max(0, r.getDouble("lag")));
      }
      return out;
    });
  }

  /** enriched → suppressed, saying why. */
  public Future<List<Long>> suppressed(Claim claim, List<Long> ids, String reason) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return move(pool, MOVE.formatted("") + FENCED + RETURNING,
        params(claim, ids, PipelineState.SUPPRESSED, reason, PipelineState.ENRICHED), PipelineState.SUPPRESSED);
  }

  /**
   * suppressed → enriched, due now: muted alerts that still fire once their maintenance window
   * ended go through routing again. {@code reason} stays on them until they are routed (the
   * message says it). Returns the ids moved.
   */
  public Future<List<Long>> unmuted(List<Long> ids, String reason) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return pool.preparedQuery("""
            UPDATE incidents SET pipeline_state = 'enriched', pipeline_reason = $2, pipeline_changed_at = now(), pipeline_due_at = now()
            WHERE id = ANY($1) AND pipeline_state = 'suppressed' AND status = 'firing' RETURNING id""")
        .execute(Tuple.tuple().addArrayOfLong(ids.toArray(Long[]::new)).addString(reason)).map(Pipeline::ids);
  }

  /** enriched → failed, saying why (nobody to tell). */
  public Future<List<Long>> failed(Claim claim, List<Long> ids, String reason) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return move(pool, MOVE.formatted("") + FENCED + RETURNING,
        params(claim, ids, PipelineState.FAILED, reason, PipelineState.ENRICHED), PipelineState.FAILED);
  }

  /**
   * enriched → routed, with the group's messages written to the outbox by {@code messages} in
   * the same statement. {@code messages} reads the CTE {@code moved} and writes nothing when it
   * is empty: a node that lost its claim neither moves the incidents nor writes their messages.
   */
  public Future<Routed> routed(Claim claim, List<Long> ids, Alongside messages) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(new Routed(List.of(), List.of()));
    }
    String sql = "WITH moved AS (" + MOVE.formatted("") + FENCED + RETURNING + "), written AS (" + messages.sql().apply(8) + ")"
        + " SELECT id, lag, false AS written FROM moved UNION ALL SELECT id, NULL, true FROM written";
    Tuple params = alongside(params(claim, ids, PipelineState.ROUTED, null, PipelineState.ENRICHED), messages);
    return pool.preparedQuery(sql).execute(params).map(rows -> {
      List<Long> moved = new ArrayList<>();
      List<Long> written = new ArrayList<>();
      DistributionSummary summary = lag.get(PipelineState.ROUTED);
      for (Row r : rows) {
        if (r.getBoolean("written")) {
          written.add(r.getLong("id"));
        } else {
          moved.add(r.getLong("id"));
          summary.record(Math.max(0, r.getDouble("lag")));
        }
      }
      return new Routed(moved, written);
    });
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

  // A delivery counts as sent here once its own row says so; $1 are deliveries just marked sent
  // in the same statement (a statement does not see its own CTE's update), or none.
  private static final String SETTLE = """
      UPDATE incidents i SET pipeline_state = CASE WHEN d.sent THEN 'notified' ELSE 'failed' END,
        pipeline_reason = CASE WHEN d.sent THEN NULL ELSE 'every message failed or was cancelled' END,
        pipeline_changed_at = now()
      FROM (SELECT o.id, bool_or(dl.state = 'sent' OR dl.id = ANY($1)) AS sent,
                   bool_or(dl.state = 'queued' AND dl.id <> ALL($1)) AS queued
            FROM deliveries dl JOIN incidents o ON o.id = ANY(dl.incident_ids) AND o.status = dl.kind
            WHERE dl.incident_ids && $2 AND o.id = ANY($2) GROUP BY o.id) d
      WHERE i.id = d.id AND i.pipeline_state = 'routed' AND (d.sent OR NOT d.queued)
      RETURNING i.id, EXTRACT(EPOCH FROM now() - i.status_changed_at)::float8 AS lag,
        CASE WHEN d.sent THEN 'notified' ELSE 'failed' END AS state""";

  /**
   * routed → notified once one of an incident's messages (of its current status) was sent, or →
   * failed once none is left to try. {@code sentDelivery} counts as sent (0 for none).
   */
  public Future<Void> settle(long sentDelivery, List<Long> incidentIds) {
    if (incidentIds.isEmpty()) {
      return Future.succeededFuture();
    }
    return settle(SETTLE, Tuple.tuple().addArrayOfLong(sent(sentDelivery)).addArrayOfLong(incidentIds.toArray(Long[]::new)));
  }

  private static Long[] sent(long sentDelivery) {
    return sentDelivery == 0 ? new Long[0] : new Long[] {sentDelivery};
  }

  /**
   * Settles {@code incidentIds} after {@code sentDelivery} went out, with {@code marked} (the
   * outbox marking that delivery sent) in the same statement: one round trip, one commit. A
   * message about no incident (a notice) is marked all the same.
   */
  public Future<Void> settle(long sentDelivery, List<Long> incidentIds, Alongside marked) {
    return settle(List.of(sentDelivery), incidentIds, marked);
  }

  /**
   * {@link #settle(long, List, Alongside)} for several deliveries sent (their incidents
   * together): one statement and one commit for the sends that finished together.
   */
  public Future<Void> settle(List<Long> sentDeliveries, List<Long> incidentIds, Alongside marked) {
    return settle("WITH marked AS (" + marked.sql().apply(3) + ") " + SETTLE,
        alongside(Tuple.tuple().addArrayOfLong(sentDeliveries.toArray(Long[]::new))
            .addArrayOfLong(incidentIds.stream().distinct().toArray(Long[]::new)), marked));
  }

  private Future<Void> settle(String sql, Tuple params) {
    return pool.preparedQuery(sql).execute(params).map(rows -> {
      rows.forEach(r -> lag.get(PipelineState.of(r.getString("state"))).record(Math.max(0, r.getDouble("lag"))));
      return null;
    });
  }

  /**
   * How many incidents wait in each waiting state (the pipeline's queue depth), counted up to
   * {@link #DEPTH_CAP}: a figure at the cap means at least that many. Counting a storm's whole
   * backlog every 15 s would cost PostgreSQL more than the figure is worth.
   */
  public Future<Map<PipelineState, Long>> depth() {
    return pool.preparedQuery(DEPTH).execute(Tuple.of(DEPTH_CAP))
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

  private static Tuple alongside(Tuple params, Alongside write) {
    write.params().forEach(params::addValue);
    return params;
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

  /** The W3C traceparent stored with the group by the webhook that last brought it (tracing: {@link StageTrace}); null if none. */
  Future<String> traceParent(long groupId) {
    return pool.preparedQuery("SELECT trace_parent FROM alert_groups WHERE id = $1").execute(Tuple.of(groupId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("trace_parent"));
  }
}
