package iris.notify;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** What the notifier reads of {@code incidents} (it moves them only through the pipeline). */
public final class NotifyStore {

  /**
   * An incident waiting for its notification, with what the message needs.
   *
   * @param note why it is here again, if it is (the pipeline's reason: "still firing after maintenance …"), else null
   * @param notSent alerts of its group that Alertmanager left out of the webhook ({@code truncatedAlerts})
   */
  public record Pending(long id, long groupId, String status, String alertname, String severity, String instance,
                        JsonObject labels, JsonObject annotations, OffsetDateTime startsAt, OffsetDateTime endsAt,
                        String generatorUrl, String externalUrl, JsonObject enrichment, String note, int notSent) {

    public Pending(long id, long groupId, String status, String alertname, String severity, String instance,
        JsonObject labels, JsonObject annotations, OffsetDateTime startsAt, OffsetDateTime endsAt,
        String generatorUrl, String externalUrl, JsonObject enrichment, String note) {
      this(id, groupId, status, alertname, severity, instance, labels, annotations, startsAt, endsAt, generatorUrl, externalUrl,
          enrichment, note, 0);
    }

    public Pending(long id, long groupId, String status, String alertname, String severity, String instance,
        JsonObject labels, JsonObject annotations, OffsetDateTime startsAt, OffsetDateTime endsAt,
        String generatorUrl, String externalUrl, JsonObject enrichment) {
      this(id, groupId, status, alertname, severity, instance, labels, annotations, startsAt, endsAt, generatorUrl, externalUrl,
          enrichment, null);
    }
  }

  private final Pool pool;

  public NotifyStore(Pool pool) {
    this.pool = pool;
  }

  /** Which pending incidents to read: a group's, after the incident {@code after}, at most {@code limit}. */
  public record PendingQuery(long groupId, long after, int limit) {}

  /** A group's enriched incidents that are due, at most {@code limit}, after the incident {@code after}, by id. */
  public Future<List<Pending>> pending(long groupId, long after, int limit) {
    return pending(List.of(new PendingQuery(groupId, after, limit))).map(all -> all.get(0));
  }

  /** {@link #pending(long, long, int)} for many groups in one statement (a stage's claimed groups); answers in order. */
  public Future<List<List<Pending>>> pending(List<PendingQuery> queries) {
    String sql = """
        SELECT q.n, p.* FROM unnest($1::bigint[], $2::bigint[], $3::int[]) WITH ORDINALITY AS q(group_id, after, lim, n)
        CROSS JOIN LATERAL (
          SELECT i.id, i.group_id, i.status, i.alertname, i.severity, i.instance, i.labels, i.annotations, i.starts_at,
                 i.ends_at, i.generator_url, g.external_url, e.result AS enrichment, i.pipeline_reason, g.truncated_alerts
          FROM incidents i LEFT JOIN alert_groups g ON g.id = i.group_id LEFT JOIN enrichments e ON e.id = i.enrichment_id
          WHERE i.group_id = q.group_id AND i.pipeline_state = 'enriched' AND i.pipeline_due_at <= now() AND i.id > q.after
          ORDER BY i.id LIMIT q.lim) p""";
    Tuple params = Tuple.tuple().addArrayOfLong(queries.stream().map(PendingQuery::groupId).toArray(Long[]::new))
        .addArrayOfLong(queries.stream().map(PendingQuery::after).toArray(Long[]::new))
        .addArrayOfInteger(queries.stream().map(PendingQuery::limit).toArray(Integer[]::new));
    return pool.preparedQuery(sql).execute(params).map(rows -> {
      List<List<Pending>> out = new ArrayList<>();
      queries.forEach(q -> out.add(new ArrayList<>()));
      for (Row r : rows) {
        out.get(r.getLong("n").intValue() - 1).add(new Pending(r.getLong("id"), r.getLong("group_id"), r.getString("status"),
            r.getString("alertname"), r.getString("severity"), r.getString("instance"), json(r.getValue("labels")),
            json(r.getValue("annotations")), r.getOffsetDateTime("starts_at"), r.getOffsetDateTime("ends_at"),
            r.getString("generator_url"), r.getString("external_url"), r.getValue("enrichment") instanceof JsonObject o ? o : null,
            r.getString("pipeline_reason"), r.getInteger("truncated_alerts") == null ? 0 : r.getInteger("truncated_alerts")));
      }
      return out;
    });
  }

  private static JsonObject json(Object value) {
    return value instanceof JsonObject o ? o : new JsonObject();
  }
}
