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

  /** What enrollment learnt about a host; creates the host or updates the one of that hostname. */
  public record Enrolled(String hostname, String address, String os, String osVersion, String arch, String environment,
                         JsonObject labels, List<String> services, List<String> maintainers, String prometheus, String alloyVersion) {}

  /** The host that holds a hostname at another address; enrollment does not take it over unless asked to. */
  public static final class HostnameTaken extends RuntimeException {
    private final long hostId;
    private final String address;

    public HostnameTaken(String hostname, long hostId, String address, String wanted) {
      super("hostname " + hostname + " already belongs to host " + hostId + " at " + address + ", not " + wanted
          + ": set \"hostname\" to another name, or \"replace\": true to move that host's record and targets to " + wanted,
          null, false, false);
      this.hostId = hostId;
      this.address = address;
    }

    public long hostId() {
      return hostId;
    }

    public String address() {
      return address;
    }
  }

  /**
   * The host holding {@code hostname} when its address is another than {@code address} (a host
   * without an address yet is free to take); null otherwise.
   */
  public Future<HostnameTaken> heldElsewhere(String hostname, String address) {
    return pool.preparedQuery("SELECT id, address FROM hosts WHERE hostname = $1 AND address IS NOT NULL AND address <> ''"
            + " AND lower(address) <> lower($2)")
        .execute(Tuple.of(hostname, address))
        .map(rows -> rows.size() == 0 ? null : new HostnameTaken(hostname, rows.iterator().next().getLong("id"),
            rows.iterator().next().getString("address"), address));
  }

  /**
   * Records an enrolled host and returns its id. Labels given at enrollment are merged over the
   * host's own; services and maintainers named are added, never removed (an operator may have more).
   * A hostname another host holds at another address fails with {@link HostnameTaken}, unless
   * {@code replace}: then that record (and so its file_sd target) moves to this address.
   */
  public Future<Long> recordEnrollment(Enrolled e, boolean replace) {
    return pool.withTransaction(conn -> conn.preparedQuery("""
            INSERT INTO hosts (hostname, address, os, os_version, arch, environment, labels, enrolled_at, prometheus, alloy_version)
            VALUES ($1, $2, $3, $4, $5, $6, $7, now(), $8, $9)
            ON CONFLICT (hostname) DO UPDATE SET address = EXCLUDED.address, os = EXCLUDED.os, os_version = EXCLUDED.os_version,
              arch = EXCLUDED.arch, environment = EXCLUDED.environment, labels = hosts.labels || EXCLUDED.labels,
              enrolled_at = now(), prometheus = EXCLUDED.prometheus, alloy_version = EXCLUDED.alloy_version, updated_at = now()
            WHERE $10 OR hosts.address IS NULL OR hosts.address = '' OR lower(hosts.address) = lower(EXCLUDED.address)
            RETURNING id""")
        .execute(Tuple.of(e.hostname(), e.address(), e.os(), e.osVersion(), e.arch(), e.environment(), e.labels())
            .addValue(e.prometheus()).addValue(e.alloyVersion()).addValue(replace))
        .compose(rows -> {
          if (rows.size() == 0) {
            // The row exists and the WHERE refused it: say whose it is (the transaction rolls back).
            return conn.preparedQuery("SELECT id, address FROM hosts WHERE hostname = $1").execute(Tuple.of(e.hostname()))
                .compose(held -> Future.failedFuture(new HostnameTaken(e.hostname(), held.iterator().next().getLong("id"),
                    held.iterator().next().getString("address"), e.address())));
          }
          long id = rows.iterator().next().getLong("id");
          return Names.ids(conn, "services", e.services(), "services")
              .compose(ids -> addLinks(conn, "host_services", "service_id", id, ids))
              .compose(v -> Names.ids(conn, "maintainers", e.maintainers(), "maintainers"))
              .compose(ids -> addLinks(conn, "host_maintainers", "maintainer_id", id, ids))
              .map(v -> id);
        }));
  }

  private static Future<Void> addLinks(SqlConnection conn, String table, String column, long hostId, List<Long> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    return conn.preparedQuery("INSERT INTO " + table + " (host_id, " + column + ") SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING")
        .execute(Tuple.of(hostId).addArrayOfLong(ids.toArray(Long[]::new))).mapEmpty();
  }

  /** The names among {@code names} that no row of services or maintainers has (for validation). */
  public Future<List<String>> unknownNames(String table, List<String> names) {
    if (!List.of("services", "maintainers").contains(table)) {
      throw new IllegalArgumentException(table);
    }
    if (names.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return pool.preparedQuery("SELECT n FROM unnest($1::text[]) AS n WHERE NOT EXISTS (SELECT 1 FROM " + table + " t WHERE t.name = n)")
        .execute(Tuple.of(names.toArray(String[]::new))).map(rows -> {
          List<String> unknown = new ArrayList<>();
          rows.forEach(r -> unknown.add(r.getString(0)));
          return unknown;
        });
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

  /**
   * The registered host an alert's instance names (its host part, by hostname or address), or
   * null: what a one-click "known issue" tags.
   */
  public Future<JsonObject> findByInstance(String instance) {
    String host = hostPart(instance);
    if (host == null) {
      return Future.succeededFuture(null);
    }
    return pool.preparedQuery(SELECT + " WHERE lower(h.hostname) = lower($1) OR h.address = $1 ORDER BY (lower(h.hostname) = lower($1)) DESC, h.id LIMIT 1")
        .execute(Tuple.of(host)).map(rows -> rows.size() == 0 ? null : json(rows.iterator().next()));
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
  public static String hostPart(String instance) {
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
        .put("os_version", r.getString("os_version"))
        .put("arch", r.getString("arch"))
        .put("enrolled_at", Names.time(r.getOffsetDateTime("enrolled_at")))
        .put("prometheus", r.getString("prometheus"))
        .put("alloy_version", r.getString("alloy_version"))
        .put("created_at", Names.time(r.getOffsetDateTime("created_at")))
        .put("updated_at", Names.time(r.getOffsetDateTime("updated_at")));
  }
}
