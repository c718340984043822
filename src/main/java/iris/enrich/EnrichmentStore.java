package iris.enrich;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import iris.incident.IncidentChange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** SQL on {@code enrichments}, and the pipeline columns of {@code incidents} that enrichment moves. */
public final class EnrichmentStore {

  /**
   * An incident waiting for enrichment.
   *
   * @param recentEnrichment an enrichment of its group and alert name recent enough to reuse, or null
   */
  public record Waiting(long id, long groupId, String alertname, String severity, String service, String instance,
                        JsonObject labels, JsonObject annotations, Long recentEnrichment) {}

  /** A saved enrichment and the incidents it moved on. */
  public record Linked(long enrichmentId, List<IncidentChange> moved) {}

  private final Pool pool;
  private final Duration lease;

  /** @param lease how long the notifier has before the sweeper re-announces an enriched incident */
  public EnrichmentStore(Pool pool, Duration lease) {
    this.pool = pool;
    this.lease = lease;
  }

  /**
   * Those of {@code ids} that are firing and still waiting for enrichment, each with the
   * enrichment of its group and alert name made within {@code reuse}, if any.
   */
  public Future<List<Waiting>> waitingFiring(List<Long> ids, Duration reuse) {
    String sql = """
        SELECT i.id, i.group_id, i.alertname, i.severity, i.service, i.instance, i.labels, i.annotations,
               e.id AS recent_enrichment
        FROM incidents i LEFT JOIN enrichments e ON e.group_id = i.group_id AND e.alertname = i.alertname
          AND e.created_at > now() - $2::bigint * interval '1 millisecond'
        WHERE i.id = ANY($1) AND i.status = 'firing' AND i.pipeline_state = 'received' ORDER BY i.id""";
    return pool.preparedQuery(sql).execute(Tuple.of(ids.toArray(Long[]::new), reuse.toMillis())).map(rows -> {
      List<Waiting> out = new ArrayList<>();
      for (Row r : rows) {
        out.add(new Waiting(r.getLong("id"), r.getLong("group_id"), r.getString("alertname"), r.getString("severity"),
            r.getString("service"), r.getString("instance"), json(r.getValue("labels")), json(r.getValue("annotations")),
            r.getLong("recent_enrichment")));
      }
      return out;
    });
  }

  /** Saves the enrichment of a group and alert name, attaches it and moves the incidents on, in one statement. */
  public Future<Linked> saveAndLink(long groupId, String alertname, String generatedBy, JsonObject result, List<Long> incidentIds) {
    String sql = """
        WITH saved AS (
          INSERT INTO enrichments (group_id, alertname, generated_by, result) VALUES ($1, $2, $3, $4)
          ON CONFLICT (group_id, alertname) DO UPDATE SET generated_by = EXCLUDED.generated_by,
            result = EXCLUDED.result, created_at = now()
          RETURNING id),
        moved AS (
          UPDATE incidents SET enrichment_id = (SELECT id FROM saved), pipeline_state = 'enriched',
            pipeline_lease_until = now() + $6::bigint * interval '1 millisecond'
          WHERE id = ANY($5) AND pipeline_state = 'received' RETURNING id, status, group_id)
        SELECT saved.id AS enrichment_id, moved.id, moved.status, moved.group_id FROM saved LEFT JOIN moved ON true""";
    Tuple params = Tuple.of(groupId, alertname, generatedBy, result).addArrayOfLong(incidentIds.toArray(Long[]::new))
        .addLong(lease.toMillis());
    return pool.preparedQuery(sql).execute(params).map(rows -> {
      long enrichmentId = rows.iterator().next().getLong("enrichment_id");
      List<IncidentChange> moved = new ArrayList<>();
      rows.forEach(r -> {
        if (r.getLong("id") != null) {
          moved.add(new IncidentChange(r.getLong("id"), r.getString("status"), r.getLong("group_id")));
        }
      });
      return new Linked(enrichmentId, moved);
    });
  }

  /** Attaches the enrichment and moves the incidents on; returns those that moved. */
  public Future<List<IncidentChange>> link(long enrichmentId, List<Long> incidentIds) {
    String sql = """
        UPDATE incidents SET enrichment_id = $1, pipeline_state = 'enriched',
          pipeline_lease_until = now() + $3::bigint * interval '1 millisecond'
        WHERE id = ANY($2) AND pipeline_state = 'received' RETURNING id, status, group_id""";
    return pool.preparedQuery(sql).execute(Tuple.of(enrichmentId).addArrayOfLong(incidentIds.toArray(Long[]::new))
        .addLong(lease.toMillis())).map(EnrichmentStore::changes);
  }

  /** Resolutions need no new enrichment: they move straight on to the notifier. */
  public Future<List<IncidentChange>> passResolved(List<Long> ids) {
    String sql = """
        UPDATE incidents SET pipeline_state = 'enriched', pipeline_lease_until = now() + $2::bigint * interval '1 millisecond'
        WHERE id = ANY($1) AND status = 'resolved' AND pipeline_state = 'received' RETURNING id, status, group_id""";
    return pool.preparedQuery(sql).execute(Tuple.tuple().addArrayOfLong(ids.toArray(Long[]::new)).addLong(lease.toMillis()))
        .map(EnrichmentStore::changes);
  }

  /** The latest incidents on an instance, other than {@code exclude}: "what else happened here". */
  public Future<List<JsonObject>> recentOnInstance(String instance, List<Long> exclude, int limit) {
    if (instance == null || instance.isBlank()) {
      return Future.succeededFuture(List.of());
    }
    String sql = """
        SELECT id, alertname, status, starts_at, root_cause FROM incidents
        WHERE instance = $1 AND NOT (id = ANY($2)) AND starts_at > now() - interval '7 days'
        ORDER BY id DESC LIMIT $3""";
    return pool.preparedQuery(sql).execute(Tuple.of(instance, exclude.toArray(Long[]::new), limit)).map(rows -> {
      List<JsonObject> out = new ArrayList<>();
      for (Row r : rows) {
        JsonObject o = new JsonObject().put("id", r.getLong("id")).put("alertname", r.getString("alertname"))
            .put("status", r.getString("status")).put("starts_at", r.getOffsetDateTime("starts_at").toInstant().toString());
        if (r.getString("root_cause") != null) {
          o.put("root_cause", r.getString("root_cause"));
        }
        out.add(o);
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

  public Future<Void> markLearned(long incidentId) {
    return pool.preparedQuery("UPDATE incidents SET learned_at = now() WHERE id = $1").execute(Tuple.of(incidentId)).mapEmpty();
  }

  private static List<IncidentChange> changes(Iterable<Row> rows) {
    List<IncidentChange> out = new ArrayList<>();
    rows.forEach(r -> out.add(new IncidentChange(r.getLong("id"), r.getString("status"), r.getLong("group_id"))));
    return out;
  }

  private static JsonObject json(Object value) {
    return value instanceof JsonObject o ? o : new JsonObject();
  }
}
