package iris.registry;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import iris.http.HttpProblem;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the registry's stores share: names to ids, link tables, conflicts, JSON helpers. */
final class Names {
  private Names() {}

  /**
   * The ids of the named rows of {@code table} (maintainers or services), in the order given;
   * a 400 naming {@code field} and the unknown names when any is missing.
   */
  static Future<List<Long>> ids(SqlClient sql, String table, List<String> names, String field) {
    if (names.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return sql.preparedQuery("SELECT id, name FROM " + table + " WHERE name = ANY($1)")
        .execute(Tuple.of(names.toArray(String[]::new))).compose(rows -> {
          Map<String, Long> found = new LinkedHashMap<>();
          rows.forEach(r -> found.put(r.getString("name"), r.getLong("id")));
          List<String> unknown = names.stream().filter(n -> !found.containsKey(n)).toList();
          if (!unknown.isEmpty()) {
            return Future.failedFuture(HttpProblem.badRequest(field, "unknown " + table + ": " + String.join(", ", unknown)));
          }
          return Future.succeededFuture(names.stream().map(found::get).toList());
        });
  }

  /** Replaces the rows of a link table for one owner. */
  static Future<Void> relink(SqlClient sql, String table, String ownerColumn, String otherColumn, long owner, List<Long> others) {
    return sql.preparedQuery("DELETE FROM " + table + " WHERE " + ownerColumn + " = $1").execute(Tuple.of(owner))
        .compose(v -> others.isEmpty() ? Future.succeededFuture() : sql.preparedQuery(
                "INSERT INTO " + table + " (" + ownerColumn + ", " + otherColumn + ") SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING")
            .execute(Tuple.of(owner).addArrayOfLong(others.toArray(Long[]::new))).mapEmpty());
  }

  /** A unique-name violation becomes 409 naming the field. */
  static <T> Future<T> conflictOnDuplicate(Future<T> write, String what, String name) {
    return write.recover(e -> e instanceof PgException pg && "23505".equals(pg.getSqlState())
        ? Future.failedFuture(new HttpProblem(409, "conflict", what + " '" + name + "' exists", "name"))
        : Future.failedFuture(e));
  }

  static JsonArray array(String[] values) {
    return new JsonArray(values == null ? new ArrayList<>() : new ArrayList<>(List.of(values)));
  }

  static String time(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }

  static JsonObject object(Object value) {
    return value instanceof JsonObject o ? o : new JsonObject();
  }
}
