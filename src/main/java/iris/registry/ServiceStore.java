package iris.registry;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** All SQL on {@code services} and {@code service_maintainers}. */
public final class ServiceStore {
  private static final String SELECT = """
      SELECT s.*, e.name AS escalation_name,
             ARRAY(SELECT m.name FROM service_maintainers sm JOIN maintainers m ON m.id = sm.maintainer_id
                   WHERE sm.service_id = s.id ORDER BY m.name) AS maintainer_names
      FROM services s LEFT JOIN maintainers e ON e.id = s.escalation_manager""";

  private final Pool pool;

  public ServiceStore(Pool pool) {
    this.pool = pool;
  }

  public Future<JsonObject> create(Service s) {
    return Names.conflictOnDuplicate(pool.withTransaction(conn -> references(conn, s).compose(refs -> conn.preparedQuery("""
            INSERT INTO services (name, description, escalation_manager, notify) VALUES ($1, $2, $3, $4) RETURNING id""")
        .execute(Tuple.of(s.name(), s.description(), refs.escalation(), s.notifyEnabled()))
        .compose(rows -> {
          long id = rows.iterator().next().getLong("id");
          return Names.relink(conn, "service_maintainers", "service_id", "maintainer_id", id, refs.maintainers())
              .compose(v -> find(conn, id));
        }))), "a service", s.name());
  }

  /** Null when no such service. */
  public Future<JsonObject> update(long id, Service s) {
    return Names.conflictOnDuplicate(pool.withTransaction(conn -> references(conn, s).compose(refs -> conn.preparedQuery("""
            UPDATE services SET name = $1, description = $2, escalation_manager = $3, notify = $4, updated_at = now()
            WHERE id = $5""")
        .execute(Tuple.of(s.name(), s.description(), refs.escalation(), s.notifyEnabled(), id))
        .compose(rows -> rows.rowCount() == 0 ? Future.succeededFuture(null)
            : Names.relink(conn, "service_maintainers", "service_id", "maintainer_id", id, refs.maintainers())
                .compose(v -> find(conn, id))))), "a service", s.name());
  }

  private record References(List<Long> maintainers, Long escalation) {}

  private static Future<References> references(SqlConnection conn, Service s) {
    Future<List<Long>> maintainers = Names.ids(conn, "maintainers", s.maintainers(), "maintainers");
    Future<List<Long>> escalation = s.escalationManager() == null
        ? Future.succeededFuture(List.of())
        : Names.ids(conn, "maintainers", List.of(s.escalationManager()), "escalation_manager");
    return maintainers.compose(m -> escalation.map(e -> new References(m, e.isEmpty() ? null : e.get(0))));
  }

  public Future<Boolean> delete(long id) {
    return pool.preparedQuery("DELETE FROM services WHERE id = $1").execute(Tuple.of(id)).map(r -> r.rowCount() == 1);
  }

  public Future<JsonObject> find(long id) {
    return pool.withConnection(conn -> find(conn, id));
  }

  private static Future<JsonObject> find(SqlConnection conn, long id) {
    return conn.preparedQuery(SELECT + " WHERE s.id = $1").execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? null : json(rows.iterator().next()));
  }

  public Future<List<JsonObject>> list(long afterId, int limit) {
    return pool.preparedQuery(SELECT + " WHERE s.id > $1 ORDER BY s.id LIMIT $2").execute(Tuple.of(afterId, limit))
        .map(rows -> {
          List<JsonObject> out = new ArrayList<>();
          rows.forEach(r -> out.add(json(r)));
          return out;
        });
  }

  private static JsonObject json(Row r) {
    return new JsonObject()
        .put("id", r.getLong("id"))
        .put("name", r.getString("name"))
        .put("description", r.getString("description"))
        .put("maintainers", Names.array(r.getArrayOfStrings("maintainer_names")))
        .put("escalation_manager", r.getString("escalation_name"))
        .put("notify", r.getBoolean("notify"))
        .put("created_at", Names.time(r.getOffsetDateTime("created_at")))
        .put("updated_at", Names.time(r.getOffsetDateTime("updated_at")));
  }
}
