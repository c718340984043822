package iris.notify;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** All SQL on {@code deliveries}, and the pipeline columns of {@code incidents} the notifier moves. */
public final class NotifyStore {

  /** An incident waiting for its notification, with what the message needs. */
  public record Pending(long id, long groupId, String status, String alertname, String severity, String instance,
                        JsonObject labels, JsonObject annotations, OffsetDateTime startsAt, OffsetDateTime endsAt,
                        String generatorUrl, String externalUrl, JsonObject enrichment) {}

  /** A delivery row as the sender needs it. */
  public record Delivery(long id, long groupId, List<Long> incidentIds, String kind, String channel, String recipient,
                         String sendKey, JsonObject payload, int attempts) {}

  /** A delivery to create. */
  public record NewDelivery(long groupId, List<Long> incidentIds, String kind, String channel, String recipient,
                            String sendKey, JsonObject payload) {}

  private final Pool pool;

  public NotifyStore(Pool pool) {
    this.pool = pool;
  }

  public Future<List<Pending>> enriched(List<Long> ids) {
    String sql = """
        SELECT i.id, i.group_id, i.status, i.alertname, i.severity, i.instance, i.labels, i.annotations, i.starts_at,
               i.ends_at, i.generator_url, g.external_url, e.result AS enrichment
        FROM incidents i LEFT JOIN alert_groups g ON g.id = i.group_id LEFT JOIN enrichments e ON e.id = i.enrichment_id
        WHERE i.id = ANY($1) AND i.pipeline_state = 'enriched'
          AND (i.status = 'resolved' OR i.notify_after IS NULL OR i.notify_after <= now())
        ORDER BY i.id""";
    return pool.preparedQuery(sql).execute(Tuple.tuple().addArrayOfLong(ids.toArray(Long[]::new))).map(rows -> {
      List<Pending> out = new ArrayList<>();
      for (Row r : rows) {
        out.add(new Pending(r.getLong("id"), r.getLong("group_id"), r.getString("status"), r.getString("alertname"),
            r.getString("severity"), r.getString("instance"), json(r.getValue("labels")), json(r.getValue("annotations")),
            r.getOffsetDateTime("starts_at"), r.getOffsetDateTime("ends_at"), r.getString("generator_url"),
            r.getString("external_url"), r.getValue("enrichment") instanceof JsonObject o ? o : null));
      }
      return out;
    });
  }

  /** Ends the pipeline for incidents without a message, saying why. */
  public Future<Void> finish(List<Long> ids, String state, String reason) {
    return pool.preparedQuery("UPDATE incidents SET pipeline_state = $2, pipeline_reason = $3 WHERE id = ANY($1) AND pipeline_state = 'enriched'")
        .execute(Tuple.tuple().addArrayOfLong(ids.toArray(Long[]::new)).addString(state).addString(reason)).mapEmpty();
  }

  /** Holds incidents (flaky host) until {@code until}; the sweeper brings them back then. */
  public Future<Void> hold(List<Long> ids, OffsetDateTime until, String reason) {
    return pool.preparedQuery("UPDATE incidents SET notify_after = $2, pipeline_lease_until = $2, pipeline_reason = $3 WHERE id = ANY($1)")
        .execute(Tuple.tuple().addArrayOfLong(ids.toArray(Long[]::new)).addOffsetDateTime(until).addString(reason)).mapEmpty();
  }

  /** Of {@code ids}, those whose firing message was delivered (a resolution is only worth a message then). */
  public Future<List<Long>> firingSent(List<Long> ids) {
    String sql = """
        SELECT DISTINCT x AS id FROM deliveries, unnest(incident_ids) x
        WHERE incident_ids && $1 AND kind = 'firing' AND state = 'sent' AND x = ANY($1)""";
    return pool.preparedQuery(sql).execute(Tuple.tuple().addArrayOfLong(ids.toArray(Long[]::new))).map(rows -> {
      List<Long> out = new ArrayList<>();
      rows.forEach(r -> out.add(r.getLong("id")));
      return out;
    });
  }

  /** Inserts the deliveries not created before (send key); returns the ids of all of them. */
  public Future<List<Long>> create(List<NewDelivery> deliveries) {
    if (deliveries.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    String sql = """
        INSERT INTO deliveries (group_id, incident_ids, kind, channel, recipient, send_key, payload)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        ON CONFLICT (send_key) DO UPDATE SET send_key = EXCLUDED.send_key RETURNING id""";
    List<Tuple> batch = deliveries.stream().map(d -> Tuple.of(d.groupId()).addArrayOfLong(d.incidentIds().toArray(Long[]::new))
        .addString(d.kind()).addString(d.channel()).addString(d.recipient()).addString(d.sendKey()).addValue(d.payload())).toList();
    return pool.preparedQuery(sql).executeBatch(batch).map(rows -> {
      List<Long> ids = new ArrayList<>();
      for (var r = rows; r != null; r = r.next()) {
        r.forEach(row -> ids.add(row.getLong("id")));
      }
      return ids;
    });
  }

  /**
   * Inserts the deliveries and takes them for {@code lease} in the same statement, so the
   * first attempt needs no separate claim. A send key that exists already is taken only when
   * it is due and not leased (as {@link #claim} would); the deliveries returned are those taken.
   */
  public Future<List<Delivery>> createAndClaim(List<NewDelivery> deliveries, Duration lease) {
    if (deliveries.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    // xmax = 0 marks a row this statement inserted: its payload is the one in hand. An older
    // row's stored payload is what its earlier attempts sent, so it is the one sent again.
    String sql = """
        INSERT INTO deliveries AS d (group_id, incident_ids, kind, channel, recipient, send_key, payload, attempts, lease_until)
        VALUES ($1, $2, $3, $4, $5, $6, $7, 1, now() + $8::bigint * interval '1 millisecond')
        ON CONFLICT (send_key) DO UPDATE SET attempts = d.attempts + 1, lease_until = EXCLUDED.lease_until
          WHERE d.state = 'queued' AND d.next_attempt_at <= now() AND d.lease_until <= now()
        RETURNING id, attempts, CASE WHEN xmax = 0 THEN NULL ELSE payload END AS stored_payload,
          CASE WHEN xmax = 0 THEN NULL ELSE incident_ids END AS stored_incident_ids""";
    List<Tuple> batch = deliveries.stream().map(d -> Tuple.of(d.groupId()).addArrayOfLong(d.incidentIds().toArray(Long[]::new))
        .addString(d.kind()).addString(d.channel()).addString(d.recipient()).addString(d.sendKey()).addValue(d.payload())
        .addLong(lease.toMillis())).toList();
    return pool.preparedQuery(sql).executeBatch(batch).map(rows -> {
      List<Delivery> claimed = new ArrayList<>();
      int i = 0;
      for (var r = rows; r != null; r = r.next(), i++) {
        NewDelivery d = deliveries.get(i);
        for (Row row : r) {
          JsonObject payload = row.getValue("stored_payload") instanceof JsonObject stored ? stored : d.payload();
          Long[] stored = row.getArrayOfLongs("stored_incident_ids");
          claimed.add(new Delivery(row.getLong("id"), d.groupId(), stored == null ? d.incidentIds() : List.of(stored), d.kind(),
              d.channel(), d.recipient(), d.sendKey(), payload, row.getInteger("attempts")));
        }
      }
      return claimed;
    });
  }

  /** Takes a due delivery for {@code lease}; null when it is not due, already sent, or taken by another node. */
  public Future<Delivery> claim(long id, Duration lease) {
    String sql = """
        UPDATE deliveries SET lease_until = now() + $2::bigint * interval '1 millisecond', attempts = attempts + 1
        WHERE id = $1 AND state = 'queued' AND next_attempt_at <= now() AND lease_until <= now()
        RETURNING id, group_id, incident_ids, kind, channel, recipient, send_key, payload, attempts""";
    return pool.preparedQuery(sql).execute(Tuple.of(id, lease.toMillis())).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row r = rows.iterator().next();
      return new Delivery(r.getLong("id"), r.getLong("group_id"), List.of(r.getArrayOfLongs("incident_ids")), r.getString("kind"),
          r.getString("channel"), r.getString("recipient"), r.getString("send_key"), json(r.getValue("payload")), r.getInteger("attempts"));
    });
  }

  /** Marks a delivery sent and settles its incidents ({@link #settle}) in one statement. */
  public Future<Void> sentAndSettle(long id, List<Long> incidentIds) {
    String sql = "WITH sent AS (UPDATE deliveries SET state = 'sent', sent_at = now(), last_error = NULL WHERE id = $1) " + SETTLE;
    return pool.preparedQuery(sql).execute(Tuple.of(id).addArrayOfLong(incidentIds.toArray(Long[]::new))).mapEmpty();
  }

  public Future<Void> retryAt(long id, String error, Duration wait) {
    return pool.preparedQuery("""
            UPDATE deliveries SET last_error = $2, next_attempt_at = now() + $3::bigint * interval '1 millisecond',
              lease_until = now() WHERE id = $1""")
        .execute(Tuple.of(id, error, wait.toMillis())).mapEmpty();
  }

  public Future<Void> failed(long id, String error) {
    return pool.preparedQuery("UPDATE deliveries SET state = 'failed', last_error = $2 WHERE id = $1").execute(Tuple.of(id, error)).mapEmpty();
  }

  /**
   * Moves incidents whose deliveries of their current kind are all settled: notified when one
   * arrived, failed when every one failed for good.
   */
  public Future<Void> settle(List<Long> incidentIds) {
    return pool.preparedQuery(SETTLE).execute(Tuple.of(NONE).addArrayOfLong(incidentIds.toArray(Long[]::new))).mapEmpty();
  }

  // Settles the incidents $2; delivery $1 counts as sent (a statement cannot see its own CTE's
  // update). The deliveries are found by overlap with $2, which always uses the GIN index: a
  // join on "contains this incident" let the planner scan every delivery.
  private static final String SETTLE = """
      UPDATE incidents i SET pipeline_state = CASE WHEN d.sent THEN 'notified' ELSE 'failed' END,
        pipeline_reason = CASE WHEN d.sent THEN NULL ELSE 'every delivery failed' END
      FROM (SELECT o.id, bool_or(dl.state = 'sent' OR dl.id = $1) AS sent,
                   bool_or(dl.state = 'queued' AND dl.id <> $1) AS queued
            FROM deliveries dl JOIN incidents o ON o.id = ANY(dl.incident_ids) AND o.status = dl.kind
            WHERE dl.incident_ids && $2 AND o.id = ANY($2) GROUP BY o.id) d
      WHERE i.id = d.id AND i.pipeline_state = 'enriched' AND (d.sent OR NOT d.queued)""";
  private static final long NONE = 0; // no delivery has id 0

  /** Deliveries due now and not leased, oldest first. */
  public Future<List<Long>> due(int limit) {
    return pool.preparedQuery("SELECT id FROM deliveries WHERE state = 'queued' AND next_attempt_at <= now() AND lease_until <= now() "
        + "ORDER BY next_attempt_at LIMIT $1").execute(Tuple.of(limit)).map(rows -> {
          List<Long> ids = new ArrayList<>();
          rows.forEach(r -> ids.add(r.getLong("id")));
          return ids;
        });
  }

  private static JsonObject json(Object value) {
    return value instanceof JsonObject o ? o : new JsonObject();
  }
}
