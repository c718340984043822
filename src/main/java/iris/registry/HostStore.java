package iris.registry;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** All SQL on {@code hosts}, {@code host_services} and {@code host_maintainers}. */
public final class HostStore {
  private static final String SELECT = """
      SELECT h.*,
             ARRAY(SELECT s.name FROM host_services hs JOIN services s ON s.id = hs.service_id
                   WHERE hs.host_id = h.id ORDER BY s.name) AS service_names,
             ARRAY(SELECT m.name FROM host_maintainers hm JOIN maintainers m ON m.id = hm.maintainer_id
                   WHERE hm.host_id = h.id ORDER BY m.name) AS maintainer_names
      FROM hosts h""";

  private final Pool pool;

  public HostStore(Pool pool) {
    this.pool = pool;
  }

  public Future<JsonObject> create(Host h) {
    return Names.conflictOnDuplicate(pool.withTransaction(conn -> conn.preparedQuery("""
            INSERT INTO hosts (hostname, address, os, environment, labels, notify) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id""")
        .execute(Tuple.of(h.hostname(), h.address(), h.os(), h.environment(), h.labels(), h.notifyEnabled()))
        .compose(rows -> links(conn, rows.iterator().next().getLong("id"), h))), "a host", h.hostname());
  }

  /** Null when no such host. */
  public Future<JsonObject> update(long id, Host h) {
    return Names.conflictOnDuplicate(pool.withTransaction(conn -> conn.preparedQuery("""
            UPDATE hosts SET hostname = $1, address = $2, os = $3, environment = $4, labels = $5, notify = $6,
              updated_at = now() WHERE id = $7""")
        .execute(Tuple.of(h.hostname(), h.address(), h.os(), h.environment(), h.labels(), h.notifyEnabled(), id))
        .compose(rows -> rows.rowCount() == 0 ? Future.succeededFuture(null) : links(conn, id, h))), "a host", h.hostname());
  }

  private static Future<JsonObject> links(SqlConnection conn, long id, Host h) {
    return Names.ids(conn, "services", h.services(), "services")
        .compose(services -> Names.relink(conn, "host_services", "host_id", "service_id", id, services))
        .compose(v -> Names.ids(conn, "maintainers", h.maintainers(), "maintainers"))
        .compose(maintainers -> Names.relink(conn, "host_maintainers", "host_id", "maintainer_id", id, maintainers))
        .compose(v -> find(conn, id));
  }

  public Future<Boolean> delete(long id) {
    return pool.preparedQuery("DELETE FROM hosts WHERE id = $1").execute(Tuple.of(id)).map(r -> r.rowCount() == 1);
  }

  public Future<JsonObject> find(long id) {
    return pool.withConnection(conn -> find(conn, id));
  }

  private static Future<JsonObject> find(SqlConnection conn, long id) {
    return conn.preparedQuery(SELECT + " WHERE h.id = $1").execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? null : json(rows.iterator().next()));
  }

  /** One page, oldest first; {@code environment} and {@code service} filter when given. */
  public Future<List<JsonObject>> list(long afterId, int limit, String environment, String service) {
    String sql = SELECT + " WHERE h.id > $1 AND ($3::text IS NULL OR h.environment = $3)"
        + " AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM host_services hs JOIN services s ON s.id = hs.service_id"
        + " WHERE hs.host_id = h.id AND s.name = $4)) ORDER BY h.id LIMIT $2";
    return pool.preparedQuery(sql).execute(Tuple.of(afterId, limit, environment, service)).map(rows -> {
      List<JsonObject> out = new ArrayList<>();
      rows.forEach(r -> out.add(json(r)));
      return out;
    });
  }

  /** The host part of an instance: port, scheme, path and IPv6 brackets removed; null when blank. */
  static String hostPart(String instance) {
    if (instance == null || instance.isBlank()) {
      return null;
    }
    String s = instance.strip().replaceFirst("^[a-z]+://", "").replaceFirst("/.*$", "");
    if (s.startsWith("[")) {
      int end = s.indexOf(']');
      return end > 0 ? s.substring(1, end) : s;
    }
    // one colon: host:port; more: a bare IPv6 address
    return s.indexOf(':') == s.lastIndexOf(':') && s.contains(":") ? s.substring(0, s.indexOf(':')) : s;
  }

  private static JsonObject json(Row r) {
    return new JsonObject()
        .put("id", r.getLong("id"))
        .put("hostname", r.getString("hostname"))
        .put("address", r.getString("address"))
        .put("os", r.getString("os"))
        .put("environment", r.getString("environment"))
        .put("labels", Names.object(r.getValue("labels")))
        .put("services", Names.array(r.getArrayOfStrings("service_names")))
        .put("maintainers", Names.array(r.getArrayOfStrings("maintainer_names")))
        .put("notify", r.getBoolean("notify"))
        .put("created_at", Names.time(r.getOffsetDateTime("created_at")))
        .put("updated_at", Names.time(r.getOffsetDateTime("updated_at")));
  }
}
