package iris.digest;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The digests' reads and writes. Reads are set-based: one statement each for the registry, the
 * incidents of the period and the one before, the maintenance occurrences and the deployments,
 * for every recipient at once; the digests of a run are written in one transaction with their
 * outbox rows. {@link #statements()} counts the round trips (the benchmark reports it).
 */
final class DigestStore {
  private final Pool pool;
  private final AtomicInteger statements = new AtomicInteger();

  DigestStore(Pool pool) {
    this.pool = pool;
  }

  Pool pool() {
    return pool;
  }

  /** Round trips to PostgreSQL so far (an executeBatch counts once). */
  int statements() {
    return statements.get();
  }

  <T> Future<T> counted(Future<T> f) {
    statements.incrementAndGet();
    return f;
  }

  private static final String REGISTRY = """
      SELECT
        (SELECT coalesce(json_agg(json_build_array(id, name, email, coalesce(teams_webhook_url, '') <> '', channels, digest_frequency)), '[]')
         FROM maintainers) AS people,
        (SELECT coalesce(json_agg(json_build_array(id, hostname, address)), '[]') FROM hosts) AS hosts,
        (SELECT coalesce(json_agg(json_build_array(id, name, escalation_manager)), '[]') FROM services) AS services,
        (SELECT coalesce(json_agg(json_build_array(host_id, service_id) ORDER BY host_id, service_id), '[]') FROM host_services) AS host_services,
        (SELECT coalesce(json_agg(json_build_array(host_id, maintainer_id)), '[]') FROM host_maintainers) AS host_maintainers,
        (SELECT coalesce(json_agg(json_build_array(service_id, maintainer_id)), '[]') FROM service_maintainers) AS service_maintainers""";

  Future<Estate> estate() {
    return counted(pool.query(REGISTRY).execute()).map(rows -> {
      Row r = rows.iterator().next();
      Map<Long, Estate.Person> people = new HashMap<>();
      for (Object o : array(r.getValue("people"))) {
        JsonArray a = (JsonArray) o;
        people.put(a.getLong(0), new Estate.Person(a.getLong(0), a.getString(1), a.getString(2), a.getBoolean(3),
            a.getJsonArray(4).stream().map(String::valueOf).toList(), a.getString(5)));
      }
      Map<Long, Estate.Host> hosts = new HashMap<>();
      for (Object o : array(r.getValue("hosts"))) {
        JsonArray a = (JsonArray) o;
        hosts.put(a.getLong(0), new Estate.Host(a.getLong(0), a.getString(1), a.getString(2)));
      }
      Map<Long, Estate.Service> services = new HashMap<>();
      for (Object o : array(r.getValue("services"))) {
        JsonArray a = (JsonArray) o;
        services.put(a.getLong(0), new Estate.Service(a.getLong(0), a.getString(1), a.getLong(2)));
      }
      Map<Long, List<Long>> hostServices = new HashMap<>();
      array(r.getValue("host_services")).forEach(o -> hostServices.computeIfAbsent(((JsonArray) o).getLong(0), k -> new ArrayList<>())
          .add(((JsonArray) o).getLong(1)));
      return new Estate(people, hosts, services, hostServices, pairs(r.getValue("host_maintainers")),
          pairs(r.getValue("service_maintainers")));
    });
  }

  private static Map<Long, Set<Long>> pairs(Object value) {
    Map<Long, Set<Long>> out = new HashMap<>();
    array(value).forEach(o -> out.computeIfAbsent(((JsonArray) o).getLong(0), k -> new LinkedHashSet<>()).add(((JsonArray) o).getLong(1)));
    return out;
  }

  private static JsonArray array(Object value) {
    return value instanceof JsonArray a ? a : value == null ? new JsonArray() : new JsonArray(String.valueOf(value));
  }

  // The incidents that started in the previous period or this one, and older ones still open at
  // the end of this one (the SLA's "open past its time"); each with the occurrences that muted it.
  private static final String INCIDENTS = """
      SELECT i.id, i.alertname, i.severity, i.instance, i.service, i.starts_at, i.acknowledged_at,
             CASE WHEN i.status = 'resolved' THEN i.ends_at END AS resolved_at,
             (SELECT array_agg(m.occurrence_id ORDER BY m.occurrence_id) FROM maintenance_muted m WHERE m.incident_id = i.id) AS muted_by
      FROM incidents i
      WHERE (i.starts_at >= $1 AND i.starts_at < $2)
         OR (i.starts_at < $1 AND (i.status = 'firing' OR i.ends_at > $2))""";

  Future<List<Facts.Incident>> incidents(Instant from, Instant to) {
    return counted(pool.preparedQuery(INCIDENTS).execute(Tuple.of(utc(from), utc(to)))).map(rows -> {
      List<Facts.Incident> out = new ArrayList<>(rows.size());
      for (Row r : rows) {
        Long[] muted = r.getArrayOfLongs("muted_by");
        out.add(new Facts.Incident(r.getLong("id"), r.getString("alertname"), r.getString("severity"), r.getString("instance"),
            r.getString("service"), instant(r.getOffsetDateTime("starts_at")), instant(r.getOffsetDateTime("acknowledged_at")),
            instant(r.getOffsetDateTime("resolved_at")), muted == null ? List.of() : List.of(muted)));
      }
      return out;
    });
  }

  private static final String WINDOWS = """
      SELECT o.id, o.window_id, w.title, w.type, w.category, w.scope, coalesce(o.started_at, o.starts_at) AS from_at,
             coalesce(o.ended_at, o.ends_at) AS to_at, o.state
      FROM maintenance_occurrences o JOIN maintenance_windows w ON w.id = o.window_id
      WHERE o.state <> 'cancelled' AND coalesce(o.started_at, o.starts_at) < $2 AND coalesce(o.ended_at, o.ends_at) > $1
      ORDER BY from_at, o.id""";

  Future<List<Facts.Window>> windows(Instant from, Instant to) {
    return counted(pool.preparedQuery(WINDOWS).execute(Tuple.of(utc(from), utc(to)))).map(rows -> {
      List<Facts.Window> out = new ArrayList<>();
      for (Row r : rows) {
        JsonObject scope = r.getValue("scope") instanceof JsonObject o ? o : new JsonObject();
        out.add(new Facts.Window(r.getLong("id"), r.getLong("window_id"), r.getString("title"), r.getString("type"),
            r.getString("category"), strings(scope.getJsonArray("hosts")), strings(scope.getJsonArray("services")),
            !scope.getJsonArray("matchers", new JsonArray()).isEmpty(), instant(r.getOffsetDateTime("from_at")),
            instant(r.getOffsetDateTime("to_at")), r.getString("state")));
      }
      return out;
    });
  }

  private static final String DEPLOYMENTS = """
      SELECT id, service, environment, version, previous_version, change, status, hosts, started_at, deployed_by
      FROM deployments WHERE started_at >= $1 AND started_at < $2 ORDER BY started_at, id""";

  Future<List<Facts.Deployment>> deployments(Instant from, Instant to) {
    return counted(pool.preparedQuery(DEPLOYMENTS).execute(Tuple.of(utc(from), utc(to)))).map(rows -> {
      List<Facts.Deployment> out = new ArrayList<>();
      for (Row r : rows) {
        String[] hosts = r.getArrayOfStrings("hosts");
        out.add(new Facts.Deployment(r.getLong("id"), r.getString("service"), r.getString("environment"), r.getString("version"),
            r.getString("previous_version"), r.getString("change"), r.getString("status"), hosts == null ? List.of() : List.of(hosts),
            instant(r.getOffsetDateTime("started_at")), r.getString("deployed_by")));
      }
      return out;
    });
  }

  /** A digest to store: its id was taken from the sequence before it was rendered (its report links to it). */
  record NewDigest(long id, String frequency, String kind, String recipient, List<String> segments, Period period, JsonObject data,
              String html, String text, JsonObject narrativeBy) {}

  /** {@code n} ids for digests about to be rendered, in one round trip. */
  Future<List<Long>> newIds(int n) {
    if (n == 0) {
      return Future.succeededFuture(List.of());
    }
    return counted(pool.preparedQuery("SELECT nextval('digests_id_seq') AS id FROM generate_series(1, $1)").execute(Tuple.of(n)))
        .map(rows -> {
          List<Long> ids = new ArrayList<>();
          rows.forEach(r -> ids.add(r.getLong("id")));
          return ids;
        });
  }

  private static final String INSERT = """
      INSERT INTO digests (id, frequency, kind, recipient, segments, period_start, period_end, data, html, text, narrative_by)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
      ON CONFLICT (frequency, kind, recipient, period_start) DO NOTHING RETURNING id""";

  /** Inserts the digests not stored before (by recipient, kind and period); returns the ids of those inserted. */
  Future<Set<Long>> insert(SqlClient tx, List<NewDigest> digests) {
    if (digests.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    List<Tuple> batch = digests.stream().map(d -> Tuple.of(d.id(), d.frequency(), d.kind(), d.recipient())
        .addArrayOfString(d.segments().toArray(String[]::new)).addOffsetDateTime(utc(d.period().start()))
        .addOffsetDateTime(utc(d.period().end())).addValue(d.data()).addString(d.html()).addString(d.text())
        .addValue(d.narrativeBy())).toList();
    return counted(tx.preparedQuery(INSERT).executeBatch(batch)).map(rows -> {
      Set<Long> ids = new java.util.HashSet<>();
      for (RowSet<Row> r = rows; r != null; r = r.next()) {
        r.forEach(row -> ids.add(row.getLong("id")));
      }
      return ids;
    });
  }

  private static final String SUMMARY_COLUMNS = "d.id, d.frequency, d.kind, d.recipient, d.segments, d.period_start, d.period_end, "
      + "d.narrative_by, d.created_at, (SELECT coalesce(json_agg(json_build_object('channel', x.channel, 'state', x.state, "
      + "'sent_at', x.sent_at) ORDER BY x.id), '[]') FROM deliveries x WHERE x.topic = 'digest:' || d.frequency || ':' "
      + "|| to_char(d.period_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AND x.kind = d.kind "
      + "AND x.recipient = d.recipient) AS deliveries";

  Future<List<JsonObject>> list(String recipient, String frequency, int limit) {
    String sql = "SELECT " + SUMMARY_COLUMNS + " FROM digests d WHERE ($1::text IS NULL OR d.recipient = $1) "
        + "AND ($2::text IS NULL OR d.frequency = $2) ORDER BY d.created_at DESC, d.id DESC LIMIT $3";
    return pool.preparedQuery(sql).execute(Tuple.of(recipient, frequency, limit)).map(rows -> {
      List<JsonObject> out = new ArrayList<>();
      rows.forEach(r -> out.add(summary(r)));
      return out;
    });
  }

  /** The digest's summary with its data, or null. */
  Future<JsonObject> find(long id) {
    return pool.preparedQuery("SELECT " + SUMMARY_COLUMNS + ", d.data FROM digests d WHERE d.id = $1").execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? null : summary(rows.iterator().next()).put("data", rows.iterator().next().getValue("data")));
  }

  Future<String> html(long id) {
    return pool.preparedQuery("SELECT html FROM digests WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("html"));
  }

  private static JsonObject summary(Row r) {
    return new JsonObject().put("id", r.getLong("id")).put("frequency", r.getString("frequency")).put("kind", r.getString("kind"))
        .put("recipient", r.getString("recipient")).put("segments", new JsonArray(List.of(r.getArrayOfStrings("segments"))))
        .put("period_start", instant(r.getOffsetDateTime("period_start")).toString())
        .put("period_end", instant(r.getOffsetDateTime("period_end")).toString())
        .put("narrative_by", r.getValue("narrative_by"))
        .put("created_at", instant(r.getOffsetDateTime("created_at")).toString())
        .put("deliveries", array(r.getValue("deliveries")));
  }

  /** The outbox topic of a frequency's period: the digest's identity with its kind and recipient. */
  static String topic(Period period) {
    return "digest:" + period.frequency() + ":" + period.start();
  }

  private static List<String> strings(JsonArray a) {
    return a == null ? List.of() : a.stream().map(String::valueOf).toList();
  }

  static OffsetDateTime utc(Instant t) {
    return t.atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }
}
