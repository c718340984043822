package iris.maintenance;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** The SQL of {@code maintenance_*}: windows, their occurrences, history, muted incidents and notices. */
public final class MaintenanceStore {

  /** A window as the logic needs it. */
  public record Window(long id, String title, String type, String category, Scope scope, Instant startsAt, Instant endsAt,
                       ZoneId zone, String recurrence, List<Duration> reminders, boolean announce, String state,
                       Instant plannedUntil) {
    Duration length() {
      return Duration.between(startsAt, endsAt);
    }
  }

  /** One occurrence of a window. */
  public record Occurrence(long id, long windowId, Instant startsAt, Instant endsAt, Instant plannedEndsAt, String state,
                           Instant startedAt, Instant endedAt) {}

  /** An occurrence that mutes now, with its window. */
  public record Live(Occurrence occurrence, Window window) {}

  private static final String WINDOW_COLUMNS = "w.id, w.title, w.type, w.category, w.scope, w.starts_at, w.ends_at, w.timezone, "
      + "w.recurrence, w.reminders, w.notify, w.state, w.planned_until";
  private static final String OCCURRENCE_COLUMNS = "o.id AS o_id, o.window_id, o.starts_at AS o_starts_at, o.ends_at AS o_ends_at, "
      + "o.planned_ends_at, o.state AS o_state, o.started_at, o.ended_at";

  private final Pool pool;

  public MaintenanceStore(Pool pool) {
    this.pool = pool;
  }

  public Pool pool() {
    return pool;
  }

  /** The names among {@code hosts} that no registered host has (case-insensitive, as alerts find hosts). */
  public Future<List<String>> unknownHosts(List<String> hosts) {
    if (hosts.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return pool.preparedQuery("SELECT n FROM unnest($1::text[]) AS n "
            + "WHERE NOT EXISTS (SELECT 1 FROM hosts h WHERE lower(h.hostname) = lower(n))")
        .execute(Tuple.of(hosts.toArray(String[]::new))).map(MaintenanceStore::strings);
  }

  /**
   * The labels among {@code labels} that no alert Iris stored and no registered host carries. A
   * label that is seen is found at its first row; only a typo costs a scan, and windows are rare.
   */
  public Future<List<String>> unseenLabels(List<String> labels) {
    if (labels.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return pool.preparedQuery("""
            SELECT l FROM unnest($1::text[]) AS l
            WHERE NOT EXISTS (SELECT 1 FROM incidents i WHERE i.labels ? l)
              AND NOT EXISTS (SELECT 1 FROM hosts h WHERE h.labels ? l)""")
        .execute(Tuple.of(labels.toArray(String[]::new))).map(MaintenanceStore::strings);
  }

  /** Inserts the window and its first occurrences; returns the window's id. */
  public Future<Long> insert(SqlClient c, WindowDraft d, String state, Instant plannedUntil, String actor, Instant now) {
    String sql = """
        INSERT INTO maintenance_windows (title, description, type, category, scope, starts_at, ends_at, timezone, recurrence,
          reminders, notify, reason, state, planned_until, created_by, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) RETURNING id""";
    Tuple t = Tuple.tuple().addString(d.title()).addString(d.description()).addString(d.type()).addString(d.category())
        .addValue(d.scope().toJson()).addOffsetDateTime(utc(d.startsAt())).addOffsetDateTime(utc(d.endsAt()))
        .addString(d.zone().getId()).addString(d.recurrence() == null ? null : d.recurrence().text())
        .addArrayOfString(d.reminders().stream().map(Duration::toString).toArray(String[]::new)).addBoolean(d.announce())
        .addString(d.reason()).addString(state).addOffsetDateTime(utc(plannedUntil)).addString(actor)
        .addOffsetDateTime(utc(now));
    return c.preparedQuery(sql).execute(t).map(rows -> rows.iterator().next().getLong("id"));
  }

  /** Adds occurrences at {@code slots}; those already there are skipped. */
  public Future<List<Long>> addOccurrences(SqlClient c, long windowId, List<Recurrence.Slot> slots, String state, Instant now) {
    if (slots.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    List<Tuple> batch = slots.stream().map(s -> Tuple.of(windowId, utc(s.start()), utc(s.end()), state,
        "active".equals(state) ? utc(now) : null)).toList();
    return c.preparedQuery("""
            INSERT INTO maintenance_occurrences (window_id, starts_at, ends_at, planned_ends_at, state, started_at)
            VALUES ($1, $2, $3, $3, $4, $5) ON CONFLICT (window_id, starts_at) DO NOTHING RETURNING id""")
        .executeBatch(batch).map(MaintenanceStore::ids);
  }

  public Future<Void> plannedUntil(SqlClient c, long windowId, Instant until) {
    return c.preparedQuery("UPDATE maintenance_windows SET planned_until = $2 WHERE id = $1")
        .execute(Tuple.of(windowId, utc(until))).mapEmpty();
  }

  public Future<Void> event(SqlClient c, long windowId, Long occurrenceId, String action, String from, String to, String actor,
      String reason, JsonObject detail, Instant at) {
    return c.preparedQuery("""
            INSERT INTO maintenance_events (window_id, occurrence_id, action, from_state, to_state, actor, reason, detail, at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)""")
        .execute(Tuple.tuple().addLong(windowId).addLong(occurrenceId).addString(action).addString(from).addString(to)
            .addString(actor).addString(reason).addValue(detail == null ? new JsonObject() : detail).addOffsetDateTime(utc(at)))
        .mapEmpty();
  }

  public Future<Window> window(SqlClient c, long id, boolean lock) {
    return c.preparedQuery("SELECT " + WINDOW_COLUMNS + " FROM maintenance_windows w WHERE w.id = $1" + (lock ? " FOR UPDATE" : ""))
        .execute(Tuple.of(id)).map(rows -> rows.size() == 0 ? null : window(rows.iterator().next()));
  }

  public Future<List<Occurrence>> occurrences(SqlClient c, long windowId) {
    return c.preparedQuery("SELECT " + OCCURRENCE_COLUMNS + " FROM maintenance_occurrences o WHERE o.window_id = $1 ORDER BY o.starts_at")
        .execute(Tuple.of(windowId)).map(MaintenanceStore::occurrences);
  }

  /** Moves one occurrence if it is still in {@code from}; null when it was not. */
  public Future<Occurrence> move(SqlClient c, long occurrenceId, List<String> from, String to, Instant startsAt, Instant endsAt,
      Instant startedAt, Instant endedAt) {
    String sql = """
        UPDATE maintenance_occurrences o SET state = $3, starts_at = COALESCE($4, o.starts_at), ends_at = COALESCE($5, o.ends_at),
          started_at = COALESCE($6, o.started_at), ended_at = COALESCE($7, o.ended_at)
        WHERE o.id = $1 AND o.state = ANY($2)""" + " RETURNING " + OCCURRENCE_COLUMNS;
    return c.preparedQuery(sql).execute(Tuple.tuple().addLong(occurrenceId).addArrayOfString(from.toArray(String[]::new))
            .addString(to).addOffsetDateTime(utc(startsAt)).addOffsetDateTime(utc(endsAt)).addOffsetDateTime(utc(startedAt))
            .addOffsetDateTime(utc(endedAt)))
        .map(rows -> rows.size() == 0 ? null : occurrences(rows).get(0));
  }

  /**
   * The window's state from its occurrences: active while one is, planned while one is to come
   * (or its rule goes on), else completed, or cancelled when nothing of it ever ran.
   */
  public Future<String> refreshState(SqlClient c, long windowId, Instant now) {
    return c.preparedQuery("""
            UPDATE maintenance_windows w SET updated_at = $2, state = CASE
              WHEN w.state = 'cancelled' THEN 'cancelled'
              WHEN EXISTS (SELECT 1 FROM maintenance_occurrences o WHERE o.window_id = w.id AND o.state = 'active') THEN 'active'
              WHEN EXISTS (SELECT 1 FROM maintenance_occurrences o WHERE o.window_id = w.id AND o.state = 'planned') THEN 'planned'
              WHEN NOT EXISTS (SELECT 1 FROM maintenance_occurrences o WHERE o.window_id = w.id AND o.state = 'completed') THEN 'cancelled'
              ELSE 'completed' END
            WHERE w.id = $1 RETURNING w.state""")
        .execute(Tuple.of(windowId, utc(now))).map(rows -> rows.iterator().next().getString("state"));
  }

  public Future<Void> cancelWindow(SqlClient c, long windowId, Instant now) {
    return c.preparedQuery("UPDATE maintenance_windows SET state = 'cancelled', updated_at = $2 WHERE id = $1")
        .execute(Tuple.of(windowId, utc(now))).mapEmpty();
  }

  /** Occurrences that mute at {@code now}: active ones, and planned ones whose start has come (the job is about to start them). */
  public Future<List<Live>> live(Instant now) {
    String sql = "SELECT " + WINDOW_COLUMNS + ", " + OCCURRENCE_COLUMNS + " " + """
        FROM maintenance_occurrences o JOIN maintenance_windows w ON w.id = o.window_id
        WHERE (o.state = 'active' OR (o.state = 'planned' AND o.starts_at <= $1 AND o.ends_at > $1)) AND w.state <> 'cancelled'""";
    return lives(sql, now);
  }

  /** Occurrences in {@code state} with their windows, filtered by a SQL condition on {@code o} taking $1 = now. */
  public Future<List<Live>> occurrencesWhere(String condition, Instant now) {
    String sql = "SELECT " + WINDOW_COLUMNS + ", " + OCCURRENCE_COLUMNS
        + " FROM maintenance_occurrences o JOIN maintenance_windows w ON w.id = o.window_id WHERE " + condition + " ORDER BY o.id";
    return lives(sql, now);
  }

  private Future<List<Live>> lives(String sql, Instant now) {
    return pool.preparedQuery(sql).execute(Tuple.of(utc(now))).map(rows -> {
      List<Live> out = new ArrayList<>();
      List<Occurrence> occ = occurrences(rows);
      int i = 0;
      for (Row r : rows) {
        out.add(new Live(occ.get(i++), window(r)));
      }
      return out;
    });
  }

  public Future<Void> muted(long occurrenceId, long incidentId, Instant now) {
    // A row released before (a late mute by an occurrence that just ended) is released again by the next pass.
    return pool.preparedQuery("""
            INSERT INTO maintenance_muted (occurrence_id, incident_id, muted_at) VALUES ($1, $2, $3)
            ON CONFLICT (occurrence_id, incident_id) DO UPDATE SET released_at = NULL""")
        .execute(Tuple.of(occurrenceId, incidentId, utc(now))).mapEmpty();
  }

  /** An incident to send on again: muted by an occurrence that ended, still firing and still suppressed. */
  public record Release(long occurrenceId, long incidentId, long groupId) {}

  /** Muted rows of ended occurrences not released yet; each with whether its incident still fires suppressed. */
  public Future<List<Release>> toRelease(int limit) {
    return pool.preparedQuery("""
            SELECT m.occurrence_id, m.incident_id, i.group_id FROM maintenance_muted m
            JOIN maintenance_occurrences o ON o.id = m.occurrence_id
            JOIN incidents i ON i.id = m.incident_id
            WHERE m.released_at IS NULL AND o.state IN ('completed', 'cancelled')
              AND i.status = 'firing' AND i.pipeline_state = 'suppressed'
              AND NOT EXISTS (SELECT 1 FROM maintenance_muted m2 JOIN maintenance_occurrences o2 ON o2.id = m2.occurrence_id
                              WHERE m2.incident_id = m.incident_id AND o2.state IN ('planned', 'active'))
            ORDER BY m.occurrence_id, m.incident_id LIMIT $1""")
        .execute(Tuple.of(limit)).map(rows -> {
          List<Release> out = new ArrayList<>();
          rows.forEach(r -> out.add(new Release(r.getLong("occurrence_id"), r.getLong("incident_id"), r.getLong("group_id"))));
          return out;
        });
  }

  /**
   * Marks the muted rows of ended occurrences released once their incidents were sent on (they are
   * no longer suppressed), resolved, or muted by a window still running (that one sends them on).
   */
  public Future<Void> released(SqlClient c, Instant now) {
    return c.preparedQuery("""
            UPDATE maintenance_muted m SET released_at = $1 FROM maintenance_occurrences o, incidents i
            WHERE o.id = m.occurrence_id AND i.id = m.incident_id AND m.released_at IS NULL AND o.state IN ('completed', 'cancelled')
              AND (NOT (i.status = 'firing' AND i.pipeline_state = 'suppressed') OR EXISTS (
                SELECT 1 FROM maintenance_muted m2 JOIN maintenance_occurrences o2 ON o2.id = m2.occurrence_id
                WHERE m2.incident_id = m.incident_id AND o2.state IN ('planned', 'active')))""")
        .execute(Tuple.of(utc(now))).mapEmpty();
  }

  public Future<Void> occurrenceReleased(SqlClient c, long occurrenceId, Instant now) {
    return c.preparedQuery("UPDATE maintenance_occurrences SET released_at = $2 WHERE id = $1")
        .execute(Tuple.of(occurrenceId, utc(now))).mapEmpty();
  }

  /** What an occurrence muted: each incident with its status, for the summary and the API. */
  public Future<List<JsonObject>> mutedIncidents(SqlClient c, String where, long id) {
    return c.preparedQuery("""
            SELECT m.occurrence_id, m.muted_at, m.released_at, i.id, i.alertname, i.instance, i.severity, i.status,
                   i.pipeline_state, i.starts_at, i.ends_at
            FROM maintenance_muted m JOIN incidents i ON i.id = m.incident_id
            JOIN maintenance_occurrences o ON o.id = m.occurrence_id
            """ + " WHERE " + where + " ORDER BY i.id LIMIT 1000")
        .execute(Tuple.of(id)).map(rows -> {
          List<JsonObject> out = new ArrayList<>();
          rows.forEach(r -> out.add(new JsonObject().put("id", r.getLong("id")).put("occurrence_id", r.getLong("occurrence_id"))
              .put("alertname", r.getString("alertname")).put("instance", r.getString("instance"))
              .put("severity", r.getString("severity")).put("status", r.getString("status"))
              .put("pipeline_state", r.getString("pipeline_state")).put("starts_at", text(r.getOffsetDateTime("starts_at")))
              .put("ends_at", text(r.getOffsetDateTime("ends_at"))).put("muted_at", text(r.getOffsetDateTime("muted_at")))
              .put("released_at", text(r.getOffsetDateTime("released_at")))));
          return out;
        });
  }

  /** Records a notice as written; false when it was before. */
  public Future<Boolean> noticeOnce(long occurrenceId, String kind, Instant now) {
    return pool.preparedQuery("""
            INSERT INTO maintenance_notices (occurrence_id, kind, written_at) VALUES ($1, $2, $3)
            ON CONFLICT DO NOTHING RETURNING kind""")
        .execute(Tuple.of(occurrenceId, kind, utc(now))).map(rows -> rows.size() == 1);
  }

  public Future<Boolean> noticeWritten(long occurrenceId, String kind) {
    return pool.preparedQuery("SELECT 1 FROM maintenance_notices WHERE occurrence_id = $1 AND kind = $2")
        .execute(Tuple.of(occurrenceId, kind)).map(rows -> rows.size() == 1);
  }

  /**
   * Who hears of a window: the maintainers of its hosts, of their services, and of its services;
   * {@code teams} and {@code graph} say whether they have a Workflows webhook and a Graph destination.
   */
  public record Person(String name, String email, boolean teams, List<String> channels, boolean graph) {}

  public Future<List<Person>> maintainersOf(Scope scope) {
    return pool.preparedQuery("""
            SELECT DISTINCT m.name, m.email, m.teams_webhook_url IS NOT NULL AND m.teams_webhook_url <> '' AS teams, m.channels,
              m.graph_chat_id IS NOT NULL OR (m.graph_team_id IS NOT NULL AND m.graph_channel_id IS NOT NULL) AS graph
            FROM maintainers m
            WHERE m.id IN (SELECT hm.maintainer_id FROM host_maintainers hm JOIN hosts h ON h.id = hm.host_id
                           WHERE lower(h.hostname) = ANY($1))
               OR m.id IN (SELECT sm.maintainer_id FROM service_maintainers sm JOIN services s ON s.id = sm.service_id
                           WHERE s.name = ANY($2))
               OR m.id IN (SELECT sm.maintainer_id FROM service_maintainers sm JOIN host_services hs ON hs.service_id = sm.service_id
                           JOIN hosts h ON h.id = hs.host_id WHERE lower(h.hostname) = ANY($1))
            ORDER BY m.name""")
        .execute(Tuple.tuple().addArrayOfString(scope.hosts().stream().map(String::toLowerCase).toArray(String[]::new))
            .addArrayOfString(scope.services().toArray(String[]::new)))
        .map(rows -> {
          List<Person> out = new ArrayList<>();
          rows.forEach(r -> out.add(new Person(r.getString("name"), r.getString("email"), r.getBoolean("teams"),
              List.of(r.getArrayOfStrings("channels")), r.getBoolean("graph"))));
          return out;
        });
  }

  /** Windows for the list, newest first, filtered by state, host and service (null for any). */
  public Future<List<JsonObject>> list(String state, String host, String service, int limit) {
    String sql = """
        SELECT w.*, (SELECT json_agg(json_build_object('id', o.id, 'starts_at', o.starts_at, 'ends_at', o.ends_at, 'state', o.state)
                                     ORDER BY o.starts_at)
                     FROM (SELECT * FROM maintenance_occurrences o WHERE o.window_id = w.id AND o.state IN ('planned', 'active')
                           ORDER BY o.starts_at LIMIT 1) o) AS next_occurrence
        FROM maintenance_windows w
        WHERE ($1::text IS NULL OR w.state = $1)
          AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM jsonb_array_elements_text(w.scope->'hosts') h WHERE lower(h) = lower($2)))
          AND ($3::text IS NULL OR w.scope->'services' ? $3)
        ORDER BY w.id DESC LIMIT $4""";
    return pool.preparedQuery(sql).execute(Tuple.of(state, host, service, limit)).map(rows -> {
      List<JsonObject> out = new ArrayList<>();
      rows.forEach(r -> out.add(json(r)));
      return out;
    });
  }

  public Future<JsonObject> find(SqlClient c, long id) {
    return c.preparedQuery("SELECT w.*, NULL AS next_occurrence FROM maintenance_windows w WHERE w.id = $1").execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? null : json(rows.iterator().next()));
  }

  public Future<JsonArray> history(SqlClient c, long windowId) {
    return c.preparedQuery("SELECT * FROM maintenance_events WHERE window_id = $1 ORDER BY id").execute(Tuple.of(windowId))
        .map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(r -> out.add(new JsonObject().put("action", r.getString("action")).put("occurrence_id", r.getLong("occurrence_id"))
              .put("from", r.getString("from_state")).put("to", r.getString("to_state")).put("by", r.getString("actor"))
              .put("reason", r.getString("reason")).put("detail", r.getValue("detail")).put("at", text(r.getOffsetDateTime("at")))));
          return out;
        });
  }

  /** Ids of windows that match a bulk filter: state, host, service, category (null for any), live ones only. */
  public Future<List<Long>> idsWhere(String state, String host, String service, String category) {
    return pool.preparedQuery("""
            SELECT w.id FROM maintenance_windows w
            WHERE w.state IN ('planned', 'active') AND ($1::text IS NULL OR w.state = $1)
              AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM jsonb_array_elements_text(w.scope->'hosts') h WHERE lower(h) = lower($2)))
              AND ($3::text IS NULL OR w.scope->'services' ? $3)
              AND ($4::text IS NULL OR w.category = $4)
            ORDER BY w.id LIMIT 1000""")
        .execute(Tuple.of(state, host, service, category)).map(MaintenanceStore::ids);
  }

  /** Firing incidents not yet resolved, newest first: what a draft would mute now. */
  public Future<List<JsonObject>> firing(int limit) {
    return pool.preparedQuery("""
            SELECT id, alertname, instance, severity, labels, service, pipeline_state, starts_at FROM incidents
            WHERE status = 'firing' ORDER BY id DESC LIMIT $1""")
        .execute(Tuple.of(limit)).map(rows -> {
          List<JsonObject> out = new ArrayList<>();
          rows.forEach(r -> out.add(new JsonObject().put("id", r.getLong("id")).put("alertname", r.getString("alertname"))
              .put("instance", r.getString("instance")).put("severity", r.getString("severity"))
              .put("labels", r.getValue("labels")).put("pipeline_state", r.getString("pipeline_state"))
              .put("starts_at", text(r.getOffsetDateTime("starts_at")))));
          return out;
        });
  }

  /** Registered hosts covered by hostnames or by running one of the services. */
  public Future<JsonObject> covered(Scope scope) {
    return pool.preparedQuery("""
            SELECT
              (SELECT COALESCE(json_agg(DISTINCT h.hostname), '[]') FROM hosts h
               WHERE lower(h.hostname) = ANY($1)
                  OR h.id IN (SELECT hs.host_id FROM host_services hs JOIN services s ON s.id = hs.service_id WHERE s.name = ANY($2)))
                AS hosts,
              (SELECT COALESCE(json_agg(DISTINCT s.name), '[]') FROM services s
               WHERE s.name = ANY($2)
                  OR s.id IN (SELECT hs.service_id FROM host_services hs JOIN hosts h ON h.id = hs.host_id WHERE lower(h.hostname) = ANY($1)))
                AS services""")
        .execute(Tuple.tuple().addArrayOfString(scope.hosts().stream().map(String::toLowerCase).toArray(String[]::new))
            .addArrayOfString(scope.services().toArray(String[]::new)))
        .map(rows -> {
          Row r = rows.iterator().next();
          return new JsonObject().put("hosts", toArray(r.getValue("hosts"))).put("services", toArray(r.getValue("services")));
        });
  }

  /**
   * Deployments (iris.deploy's table) that started between {@code from} and {@code to} on the
   * scope's hosts or services, the registry's view as in {@link #covered}, oldest first.
   */
  public Future<List<JsonObject>> deploymentsIn(Scope scope, Instant from, Instant to, int limit) {
    return covered(scope).compose(c -> pool.preparedQuery("""
            SELECT service, environment, version, previous_version, change, bump, status, deployed_by, started_at
            FROM deployments WHERE started_at >= $1 AND started_at <= $2
              AND (service = ANY($3) OR hosts && $4)
            ORDER BY started_at, id LIMIT $5""")
        .execute(Tuple.tuple().addOffsetDateTime(utc(from)).addOffsetDateTime(utc(to))
            .addArrayOfString(c.getJsonArray("services").stream().map(String::valueOf).toArray(String[]::new))
            .addArrayOfString(c.getJsonArray("hosts").stream().map(String::valueOf).toArray(String[]::new))
            .addInteger(limit))
        .map(rows -> {
          List<JsonObject> out = new ArrayList<>();
          for (Row r : rows) {
            out.add(new JsonObject().put("service", r.getString("service")).put("environment", r.getString("environment"))
                .put("version", r.getString("version")).put("previous_version", r.getString("previous_version"))
                .put("change", r.getString("change")).put("bump", r.getString("bump")).put("status", r.getString("status"))
                .put("deployed_by", r.getString("deployed_by"))
                .put("started_at", r.getOffsetDateTime("started_at").toInstant().toString()));
          }
          return out;
        }));
  }

  private static JsonArray toArray(Object v) {
    return v instanceof JsonArray a ? a : v instanceof String s ? new JsonArray(s) : new JsonArray();
  }

  private static JsonObject json(Row r) {
    Object next = r.getValue("next_occurrence");
    JsonArray nextArr = toArray(next);
    return new JsonObject().put("id", r.getLong("id")).put("title", r.getString("title"))
        .put("description", r.getString("description")).put("type", r.getString("type")).put("category", r.getString("category"))
        .put("scope", r.getValue("scope")).put("starts_at", text(r.getOffsetDateTime("starts_at")))
        .put("ends_at", text(r.getOffsetDateTime("ends_at"))).put("timezone", r.getString("timezone"))
        .put("recurrence", r.getString("recurrence")).put("reminders", new JsonArray(List.of(r.getArrayOfStrings("reminders"))))
        .put("notify", r.getBoolean("notify")).put("reason", r.getString("reason")).put("state", r.getString("state"))
        .put("created_by", r.getString("created_by")).put("created_at", text(r.getOffsetDateTime("created_at")))
        .put("updated_at", text(r.getOffsetDateTime("updated_at")))
        .put("next_occurrence", nextArr.isEmpty() ? null : nextArr.getJsonObject(0));
  }

  public static JsonObject json(Occurrence o) {
    return new JsonObject().put("id", o.id()).put("starts_at", text(o.startsAt())).put("ends_at", text(o.endsAt()))
        .put("planned_ends_at", text(o.plannedEndsAt())).put("state", o.state()).put("started_at", text(o.startedAt()))
        .put("ended_at", text(o.endedAt()));
  }

  private static Window window(Row r) {
    return new Window(r.getLong("id"), r.getString("title"), r.getString("type"), r.getString("category"),
        Scope.fromJson(r.getJsonObject("scope")), instant(r.getOffsetDateTime("starts_at")), instant(r.getOffsetDateTime("ends_at")),
        ZoneId.of(r.getString("timezone")), r.getString("recurrence"),
        List.of(r.getArrayOfStrings("reminders")).stream().map(Duration::parse).toList(), r.getBoolean("notify"),
        r.getString("state"), instant(r.getOffsetDateTime("planned_until")));
  }

  private static List<Occurrence> occurrences(RowSet<Row> rows) {
    List<Occurrence> out = new ArrayList<>();
    rows.forEach(r -> out.add(new Occurrence(r.getLong("o_id"), r.getLong("window_id"), instant(r.getOffsetDateTime("o_starts_at")),
        instant(r.getOffsetDateTime("o_ends_at")), instant(r.getOffsetDateTime("planned_ends_at")), r.getString("o_state"),
        instant(r.getOffsetDateTime("started_at")), instant(r.getOffsetDateTime("ended_at")))));
    return out;
  }

  private static List<String> strings(RowSet<Row> rows) {
    List<String> out = new ArrayList<>();
    rows.forEach(r -> out.add(r.getString(0)));
    return out;
  }

  private static List<Long> ids(RowSet<Row> rows) {
    List<Long> out = new ArrayList<>();
    for (RowSet<Row> r = rows; r != null; r = r.next()) {
      r.forEach(row -> out.add(row.getLong(0)));
    }
    return out;
  }

  static OffsetDateTime utc(Instant i) {
    return i == null ? null : OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
  }

  static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }

  static String text(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }

  static String text(Instant t) {
    return t == null ? null : t.toString();
  }
}
