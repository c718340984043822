package iris.enrich;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import iris.db.Coalescer;
import iris.incident.Pipeline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** SQL on {@code enrichments}, and what enrichment reads of {@code incidents} (it moves them only through the pipeline). */
public final class EnrichmentStore {

  /**
   * An incident waiting for enrichment.
   *
   * @param recentEnrichment an enrichment of its group and alert name recent enough to reuse, or null
   */
  public record Waiting(long id, long groupId, String status, String alertname, String severity, String service, String instance,
                        JsonObject labels, JsonObject annotations, Long recentEnrichment) {}

  private final Pool pool;
  /** When set, reads of recent incidents made together go in one statement; see {@link #coalescing}. */
  private final Coalescer<RecentQuery, List<JsonObject>> together;

  private record RecentQuery(String instance, List<Long> exclude, int limit) {}

  public EnrichmentStore(Pool pool) {
    this.pool = pool;
    this.together = null;
  }

  private EnrichmentStore(Pool pool, Context context) {
    this.pool = pool;
    this.together = new Coalescer<>(context, 64, this::recent);
  }

  /** The same store for use on {@code context} only, where reads of recent incidents made together share one statement. */
  public EnrichmentStore coalescing(Context context) {
    return new EnrichmentStore(pool, context);
  }

  /** Which waiting incidents to read: a group's, at most {@code limit}. */
  public record WaitingQuery(long groupId, int limit) {}

  /**
   * The incidents of a group waiting for enrichment (firing and resolved), at most
   * {@code limit}; a firing one comes with the enrichment of its group and alert name made
   * within {@code reuse}, if any.
   */
  public Future<List<Waiting>> waiting(long groupId, int limit, Duration reuse) {
    return waiting(List.of(new WaitingQuery(groupId, limit)), reuse).map(all -> all.get(0));
  }

  /** {@link #waiting(long, int, Duration)} for many groups in one statement (a stage's claimed groups); answers in order. */
  public Future<List<List<Waiting>>> waiting(List<WaitingQuery> queries, Duration reuse) {
    String sql = """
        SELECT q.n, w.* FROM unnest($1::bigint[], $2::int[]) WITH ORDINALITY AS q(group_id, lim, n)
        CROSS JOIN LATERAL (
          SELECT i.id, i.group_id, i.status, i.alertname, i.severity, i.service, i.instance, i.labels, i.annotations,
                 e.id AS recent_enrichment
          FROM incidents i LEFT JOIN enrichments e ON e.group_id = i.group_id AND e.alertname = i.alertname
            AND e.created_at > now() - $3::bigint * interval '1 millisecond'
          WHERE i.group_id = q.group_id AND i.pipeline_state = 'received' AND i.pipeline_due_at <= now()
          ORDER BY i.id LIMIT q.lim) w""";
    Tuple params = Tuple.tuple().addArrayOfLong(queries.stream().map(WaitingQuery::groupId).toArray(Long[]::new))
        .addArrayOfInteger(queries.stream().map(WaitingQuery::limit).toArray(Integer[]::new)).addLong(reuse.toMillis());
    return pool.preparedQuery(sql).execute(params).map(rows -> {
      List<List<Waiting>> out = new ArrayList<>();
      queries.forEach(q -> out.add(new ArrayList<>()));
      for (Row r : rows) {
        out.get(r.getLong("n").intValue() - 1).add(new Waiting(r.getLong("id"), r.getLong("group_id"), r.getString("status"),
            r.getString("alertname"), r.getString("severity"), r.getString("service"), r.getString("instance"),
            json(r.getValue("labels")), json(r.getValue("annotations")), r.getLong("recent_enrichment")));
      }
      return out;
    });
  }

  /** A new enrichment of a group and alert name, saved with the move of its incidents. */
  public record NewEnrichment(long groupId, String alertname, String generatedBy, JsonObject result) {}

  /**
   * Saves new enrichments of several groups (the newest replaces an older one) in the statement
   * that moves their incidents on ({@link Pipeline#enriched(List, Pipeline.Alongside)}); returns
   * {@code id, group_id, alertname}. Should two of them be of the same group and alert name,
   * one is kept, and both moves link it.
   */
  public static Pipeline.Alongside savingAll(List<NewEnrichment> saves) {
    JsonArray rows = new JsonArray();
    saves.forEach(e -> rows.add(new JsonObject().put("group_id", e.groupId()).put("alertname", e.alertname())
        .put("generated_by", e.generatedBy()).put("result", e.result())));
    return new Pipeline.Alongside(n -> """
        INSERT INTO enrichments (group_id, alertname, generated_by, result)
        SELECT DISTINCT ON (group_id, alertname) group_id, alertname, generated_by, result
        FROM jsonb_to_recordset($%d::jsonb) AS s(group_id bigint, alertname text, generated_by text, result jsonb)
        ON CONFLICT (group_id, alertname) DO UPDATE SET generated_by = EXCLUDED.generated_by,
          result = EXCLUDED.result, created_at = now()
        RETURNING id, group_id, alertname""".formatted(n), List.of(rows));
  }

  /** The latest incidents on an instance, other than {@code exclude}: "what else happened here". */
  public Future<List<JsonObject>> recentOnInstance(String instance, List<Long> exclude, int limit) {
    if (instance == null || instance.isBlank()) {
      return Future.succeededFuture(List.of());
    }
    RecentQuery query = new RecentQuery(instance, exclude, limit);
    return together != null ? together.add(query) : recent(List.of(query)).map(all -> all.get(0));
  }

  private Future<List<List<JsonObject>>> recent(List<RecentQuery> queries) {
    JsonArray q = new JsonArray();
    for (int n = 0; n < queries.size(); n++) {
      RecentQuery r = queries.get(n);
      q.add(new JsonObject().put("n", n).put("instance", r.instance()).put("exclude", new JsonArray(new ArrayList<>(r.exclude())))
          .put("lim", r.limit()));
    }
    String sql = """
        SELECT q.n, r.* FROM jsonb_to_recordset($1::jsonb) AS q(n int, instance text, exclude bigint[], lim int)
        CROSS JOIN LATERAL (
          SELECT id, alertname, status, starts_at, root_cause FROM incidents
          WHERE instance = q.instance AND NOT (id = ANY(q.exclude)) AND starts_at > now() - interval '7 days'
          ORDER BY id DESC LIMIT q.lim) r""";
    return pool.preparedQuery(sql).execute(Tuple.of(q)).map(rows -> {
      List<List<JsonObject>> out = new ArrayList<>();
      queries.forEach(x -> out.add(new ArrayList<>()));
      for (Row r : rows) {
        JsonObject o = new JsonObject().put("id", r.getLong("id")).put("alertname", r.getString("alertname"))
            .put("status", r.getString("status")).put("starts_at", r.getOffsetDateTime("starts_at").toInstant().toString());
        if (r.getString("root_cause") != null) {
          o.put("root_cause", r.getString("root_cause"));
        }
        out.get(r.getInteger("n")).add(o);
      }
      return out;
    });
  }

  /** Resolved incidents with notes or a root cause that the knowledge base has not learned yet. */
  public Future<List<Long>> toLearn(int limit) {
    String sql = """
        SELECT id FROM incidents
        WHERE status = 'resolved' AND (root_cause IS NOT NULL OR resolution_notes IS NOT NULL)
          AND (learned_at IS NULL OR learned_at < annotated_at)
        ORDER BY annotated_at NULLS FIRST LIMIT $1""";
    return pool.preparedQuery(sql).execute(Tuple.of(limit)).map(rows -> {
      List<Long> ids = new ArrayList<>();
      rows.forEach(r -> ids.add(r.getLong("id")));
      return ids;
    });
  }

  /** Of {@code ids}, those with notes or a root cause to learn (one query, however many resolved at once). */
  public Future<List<Long>> withNotes(List<Long> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    String sql = "SELECT id FROM incidents WHERE id = ANY($1) AND (root_cause IS NOT NULL OR resolution_notes IS NOT NULL)";
    return pool.preparedQuery(sql).execute(Tuple.of(ids.toArray(Long[]::new))).map(rows -> {
      List<Long> out = new ArrayList<>();
      rows.forEach(r -> out.add(r.getLong("id")));
      return out;
    });
  }

  public Future<Void> markLearned(long incidentId) {
    return pool.preparedQuery("UPDATE incidents SET learned_at = now() WHERE id = $1").execute(Tuple.of(incidentId)).mapEmpty();
  }

  private static JsonObject json(Object value) {
    return value instanceof JsonObject o ? o : new JsonObject();
  }
}
