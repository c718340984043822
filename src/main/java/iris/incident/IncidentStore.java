package iris.incident;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** All SQL on {@code incidents} and {@code alert_groups}. */
public final class IncidentStore {

  private static final String UPSERT_GROUPS = """
      INSERT INTO alert_groups AS g (receiver, group_key, external_url, status, group_labels,
                                     common_labels, common_annotations, truncated_alerts, trace_parent)
      SELECT r, k, u, s, gl::jsonb, cl::jsonb, ca::jsonb, t, tp
      FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::text[])
           AS x(r, k, u, s, gl, cl, ca, t, tp)
      ON CONFLICT (receiver, group_key) DO UPDATE SET
        external_url = EXCLUDED.external_url, status = EXCLUDED.status,
        group_labels = EXCLUDED.group_labels, common_labels = EXCLUDED.common_labels,
        common_annotations = EXCLUDED.common_annotations, truncated_alerts = EXCLUDED.truncated_alerts,
        last_seen_at = now(), delivery_count = g.delivery_count + 1,
        trace_parent = COALESCE(EXCLUDED.trace_parent, g.trace_parent)
      RETURNING id, receiver, group_key""";

  // The intake enters incidents into the pipeline (iris.incident.Pipeline owns every later
  // move): new ones and resolutions start at "received", due at once.
  // A repeat delivery only refreshes the row. A firing alert that Iris already holds as
  // resolved is a late copy (HA peer, retry) and never reopens it: a real re-fire has a new startsAt.
  private static final String UPSERT_INCIDENTS = """
      INSERT INTO incidents AS i (fingerprint, starts_at, ends_at, status, resolved_by, alertname, severity,
                                  instance, service, labels, annotations, generator_url, group_id,
                                  delivery_count)
      SELECT f, sa, ea, st, CASE WHEN st = 'resolved' THEN 'alertmanager' END, an, sv, ins, svc,
             lb::jsonb, ann::jsonb, gu, gid, d
      FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[], $4::text[], $5::text[], $6::text[],
                  $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::bigint[], $13::int[])
           AS x(f, sa, ea, st, an, sv, ins, svc, lb, ann, gu, gid, d)
      ON CONFLICT (fingerprint, starts_at) DO UPDATE SET
        last_seen_at = now(),
        delivery_count = i.delivery_count + EXCLUDED.delivery_count,
        labels = EXCLUDED.labels, annotations = EXCLUDED.annotations,
        generator_url = EXCLUDED.generator_url, group_id = EXCLUDED.group_id,
        severity = EXCLUDED.severity, instance = EXCLUDED.instance, service = EXCLUDED.service,
        status = CASE WHEN i.status = 'resolved' THEN 'resolved' ELSE EXCLUDED.status END,
        resolved_by = CASE WHEN i.status = 'resolved' THEN i.resolved_by ELSE EXCLUDED.resolved_by END,
        ends_at = CASE WHEN i.status = 'resolved' THEN i.ends_at ELSE EXCLUDED.ends_at END,
        status_changed_at = CASE WHEN i.status = 'firing' AND EXCLUDED.status = 'resolved' THEN now() ELSE i.status_changed_at END,
        pipeline_state = CASE WHEN i.status = 'firing' AND EXCLUDED.status = 'resolved' THEN 'received' ELSE i.pipeline_state END,
        pipeline_due_at = CASE WHEN i.status = 'firing' AND EXCLUDED.status = 'resolved' THEN now() ELSE i.pipeline_due_at END,
        pipeline_changed_at = CASE WHEN i.status = 'firing' AND EXCLUDED.status = 'resolved' THEN now() ELSE i.pipeline_changed_at END
      RETURNING id, status, group_id, (xmax = 0) AS inserted, status_changed_at = now() AS changed_now""";

  private static final String SELECT = select("");

  private static String select(String extraColumns) {
    return """
      SELECT i.*, EXTRACT(EPOCH FROM i.ends_at - i.starts_at)::float8 AS duration_seconds,
             g.receiver, g.group_key, g.external_url, g.group_labels, g.common_labels, g.common_annotations, g.truncated_alerts,
             e.result AS enrichment%s
      FROM incidents i LEFT JOIN alert_groups g ON g.id = i.group_id
           LEFT JOIN enrichments e ON e.id = i.enrichment_id""".formatted(extraColumns);
  }

  /** Alerts per INSERT statement when one transaction stores more. */
  static final int UPSERT_CHUNK = 5000;

  private final Pool pool;
  private final Pool ingestPool;

  public IncidentStore(Pool pool) {
    this(pool, pool);
  }

  /** {@code ingestPool} serves only {@link #upsert}: the webhook's commits never wait behind other work. */
  public IncidentStore(Pool pool, Pool ingestPool) {
    this.pool = pool;
    this.ingestPool = ingestPool;
  }

  /** Stores a batch in one transaction (on the intake's own connections); returns the incidents whose state changed. */
  public Future<List<IncidentChange>> upsert(IngestBatch batch) {
    return upsert(batch, 3);
  }

  private Future<List<IncidentChange>> upsert(IngestBatch batch, int triesLeft) {
    return ingestPool.withTransaction(conn -> upsertGroups(conn, batch.groups(), batch.traceParents())
            .compose(groupIds -> upsertInChunks(conn, batch.sortedAlerts(), groupIds)))
        .recover(failure -> triesLeft > 1 && retryable(failure)
            ? upsert(batch, triesLeft - 1)
            : Future.failedFuture(failure));
  }

  /** Deadlock or serialization failure: the transaction rolled back and may simply run again. */
  private static boolean retryable(Throwable failure) {
    return failure instanceof PgException pg
        && ("40P01".equals(pg.getSqlState()) || "40001".equals(pg.getSqlState()));
  }

  private Future<long[]> upsertGroups(SqlConnection conn, List<AlertGroup> groups, List<String> traceParents) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < groups.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparing(i -> groups.get(i).identity()));
    int n = groups.size();
    String[] receivers = new String[n], keys = new String[n], urls = new String[n], statuses = new String[n];
    String[] groupLabels = new String[n], commonLabels = new String[n], commonAnnotations = new String[n];
    Integer[] truncated = new Integer[n];
    String[] traces = new String[n];
    for (int j = 0; j < n; j++) {
      traces[j] = traceParents.get(order.get(j));
      AlertGroup g = groups.get(order.get(j));
      receivers[j] = g.receiver();
      keys[j] = g.groupKey();
      urls[j] = g.externalUrl();
      statuses[j] = g.status();
      groupLabels[j] = g.groupLabelsJson();
      commonLabels[j] = g.commonLabelsJson();
      commonAnnotations[j] = g.commonAnnotationsJson();
      truncated[j] = g.truncatedAlerts();
    }
    Tuple params = Tuple.of(receivers, keys, urls, statuses, groupLabels, commonLabels, commonAnnotations, truncated)
        .addArrayOfString(traces);
    return conn.preparedQuery(UPSERT_GROUPS).execute(params).map(rows -> {
      Map<String, Long> byIdentity = new HashMap<>();
      for (Row row : rows) {
        byIdentity.put(row.getString("receiver") + '\u0000' + row.getString("group_key"), row.getLong("id"));
      }
      long[] ids = new long[n];
      for (int i = 0; i < n; i++) {
        ids[i] = byIdentity.get(groups.get(i).identity());
      }
      return ids;
    });
  }

  /**
   * A huge group (a datacenter down: 50,000 alerts) goes in several statements of one
   * transaction, so no single statement's parameters hold tens of megabytes at once.
   */
  private Future<List<IncidentChange>> upsertInChunks(SqlConnection conn, List<Alert> alerts, long[] groupIds) {
    if (alerts.size() <= UPSERT_CHUNK) {
      return upsertIncidents(conn, alerts, groupIds);
    }
    List<IncidentChange> changes = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (int from = 0; from < alerts.size(); from += UPSERT_CHUNK) {
      List<Alert> chunk = alerts.subList(from, Math.min(alerts.size(), from + UPSERT_CHUNK));
      chain = chain.compose(v -> upsertIncidents(conn, chunk, groupIds).map(changes::addAll).mapEmpty());
    }
    return chain.map(v -> changes);
  }

  private Future<List<IncidentChange>> upsertIncidents(SqlConnection conn, List<Alert> alerts, long[] groupIds) {
    int n = alerts.size();
    String[] fingerprints = new String[n], statuses = new String[n], names = new String[n], severities = new String[n];
    String[] instances = new String[n], services = new String[n], labels = new String[n], annotations = new String[n];
    String[] urls = new String[n];
    OffsetDateTime[] starts = new OffsetDateTime[n], ends = new OffsetDateTime[n];
    Long[] groups = new Long[n];
    Integer[] deliveries = new Integer[n];
    for (int j = 0; j < n; j++) {
      Alert a = alerts.get(j);
      fingerprints[j] = a.fingerprint();
      starts[j] = a.startsAt();
      ends[j] = a.resolved() ? a.endsAt() : null;
      statuses[j] = a.status();
      names[j] = a.alertname();
      severities[j] = a.severity();
      instances[j] = a.instance();
      services[j] = a.service();
      labels[j] = a.labelsJson();
      annotations[j] = a.annotationsJson();
      urls[j] = a.generatorUrl();
      groups[j] = groupIds[a.group()];
      deliveries[j] = a.deliveries();
    }
    Tuple params = Tuple.tuple()
        .addArrayOfString(fingerprints).addArrayOfOffsetDateTime(starts).addArrayOfOffsetDateTime(ends)
        .addArrayOfString(statuses).addArrayOfString(names).addArrayOfString(severities)
        .addArrayOfString(instances).addArrayOfString(services).addArrayOfString(labels)
        .addArrayOfString(annotations).addArrayOfString(urls).addArrayOfLong(groups)
        .addArrayOfInteger(deliveries);
    return conn.preparedQuery(UPSERT_INCIDENTS).execute(params)
        .map(IncidentStore::changes);
  }

  private static List<IncidentChange> changes(RowSet<Row> rows) {
    List<IncidentChange> changed = new ArrayList<>();
    for (Row row : rows) {
      boolean inserted = row.getBoolean("inserted");
      boolean resolvedNow = !inserted && row.getBoolean("changed_now") && "resolved".equals(row.getString("status"));
      if (inserted || resolvedNow) {
        changed.add(change(row));
      }
    }
    return changed;
  }

  // The notifier's deliveries of this incident, for the API (read-only here).
  private static final String DELIVERIES = """
      , (SELECT coalesce(json_agg(json_build_object('id', d.id, 'kind', d.kind, 'revision', d.revision, 'channel', d.channel,
            'recipient', d.recipient, 'state', d.state, 'attempts', d.attempts, 'last_error', d.last_error,
            'next_attempt_at', d.next_attempt_at, 'sent_at', d.sent_at) ORDER BY d.id), '[]'::json)
         FROM deliveries d WHERE d.incident_ids && ARRAY[i.id]) AS deliveries""";

  public Future<JsonObject> find(long id) {
    String sql = select(DELIVERIES) + " WHERE i.id = $1";
    return pool.preparedQuery(sql).execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? null : IncidentJson.of(rows.iterator().next()));
  }

  /** One page, newest first; {@code afterId} is the cursor (exclusive). */
  public Future<List<JsonObject>> list(IncidentQuery query) {
    StringBuilder sql = new StringBuilder(SELECT).append(" WHERE true");
    Tuple params = filters(sql, query);
    params.addInteger(query.limit());
    sql.append(" ORDER BY i.id DESC LIMIT $").append(params.size());
    return pool.preparedQuery(sql.toString()).execute(params).map(rows -> {
      List<JsonObject> items = new ArrayList<>();
      rows.forEach(row -> items.add(IncidentJson.of(row)));
      return items;
    });
  }

  /** How many incidents match the query's filters (not its cursor or limit), by severity ("" for none). */
  public Future<java.util.Map<String, Long>> countBySeverity(IncidentQuery query) {
    StringBuilder sql = new StringBuilder("SELECT coalesce(i.severity, '') AS severity, count(*) AS n FROM incidents i WHERE true");
    Tuple params = filters(sql, new IncidentQuery(query.status(), query.severity(), query.alertname(), query.instance(),
        query.service(), query.since(), query.until(), null, 0));
    sql.append(" GROUP BY 1 ORDER BY 2 DESC");
    return pool.preparedQuery(sql.toString()).execute(params).map(rows -> {
      java.util.Map<String, Long> counts = new java.util.LinkedHashMap<>();
      rows.forEach(row -> counts.put(row.getString("severity"), row.getLong("n")));
      return counts;
    });
  }

  private static Tuple filters(StringBuilder sql, IncidentQuery query) {
    Tuple params = Tuple.tuple();
    addFilter(sql, params, "i.status", query.status());
    addFilter(sql, params, "i.severity", query.severity());
    addFilter(sql, params, "i.alertname", query.alertname());
    addFilter(sql, params, "i.instance", query.instance());
    addFilter(sql, params, "i.service", query.service());
    if (query.since() != null) {
      params.addOffsetDateTime(query.since());
      sql.append(" AND i.starts_at >= $").append(params.size());
    }
    if (query.until() != null) {
      params.addOffsetDateTime(query.until());
      sql.append(" AND i.starts_at < $").append(params.size());
    }
    if (query.beforeId() != null) {
      params.addLong(query.beforeId());
      sql.append(" AND i.id < $").append(params.size());
    }
    return params;
  }

  private static void addFilter(StringBuilder sql, Tuple params, String column, String value) {
    if (value != null) {
      params.addString(value);
      sql.append(" AND ").append(column).append(" = $").append(params.size());
    }
  }

  /** Sets the given operator fields; null when the incident does not exist. */
  public Future<JsonObject> annotate(long id, String resolutionNotes, String rootCause, String acknowledgedBy) {
    String sql = """
        UPDATE incidents SET
          resolution_notes = COALESCE($2, resolution_notes),
          root_cause = COALESCE($3, root_cause),
          acknowledged_by = COALESCE($4, acknowledged_by),
          acknowledged_at = CASE WHEN $4::text IS NOT NULL THEN now() ELSE acknowledged_at END,
          annotated_at = CASE WHEN $2::text IS NOT NULL OR $3::text IS NOT NULL THEN now() ELSE annotated_at END
        WHERE id = $1 RETURNING id""";
    return pool.preparedQuery(sql).execute(Tuple.of(id, resolutionNotes, rootCause, acknowledgedBy))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture(null) : find(id));
  }

  /** Outcome of a manual resolution. */
  public enum ResolveOutcome { RESOLVED, ALREADY_RESOLVED, NOT_FOUND }

  public record Resolution(ResolveOutcome outcome, IncidentChange change) {}

  public Future<Resolution> resolveManually(long id, String note) {
    String sql = """
        UPDATE incidents SET status = 'resolved', resolved_by = 'manual', ends_at = now(),
          status_changed_at = now(), resolution_notes = COALESCE($2, resolution_notes),
          annotated_at = CASE WHEN $2::text IS NOT NULL THEN now() ELSE annotated_at END,
          pipeline_state = 'received', pipeline_due_at = now(), pipeline_changed_at = now()
        WHERE id = $1 AND status = 'firing'
        RETURNING id, status, group_id""";
    return pool.preparedQuery(sql).execute(Tuple.of(id, note))
        .compose(rows -> {
          if (rows.size() == 1) {
            return Future.succeededFuture(new Resolution(ResolveOutcome.RESOLVED, change(rows.iterator().next())));
          }
          return pool.preparedQuery("SELECT 1 FROM incidents WHERE id = $1").execute(Tuple.of(id))
              .map(found -> new Resolution(found.size() == 0 ? ResolveOutcome.NOT_FOUND : ResolveOutcome.ALREADY_RESOLVED, null));
        });
  }

  /** A row returning {@code id, status, group_id}. */
  private static IncidentChange change(Row row) {
    return new IncidentChange(row.getLong("id"), row.getString("status"), row.getLong("group_id"));
  }
}
