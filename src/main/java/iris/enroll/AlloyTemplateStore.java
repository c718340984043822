package iris.enroll;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** Operator versions of Alloy templates in {@code alloy_templates}. */
public final class AlloyTemplateStore {

  /** One saved version. */
  public record Stored(String name, int version, String body, String createdBy, String createdAt) {
    JsonObject toJson() {
      return new JsonObject().put("name", name).put("version", version).put("source", "database").put("body", body)
          .put("created_by", createdBy).put("created_at", createdAt);
    }
  }

  private final Pool pool;

  public AlloyTemplateStore(Pool pool) {
    this.pool = pool;
  }

  /** The version in use (the highest), or a given one; null when there is none. */
  public Future<Stored> find(String name, Integer version) {
    String sql = "SELECT name, version, body, created_by, created_at::text FROM alloy_templates WHERE name = $1"
        + (version == null ? " ORDER BY version DESC LIMIT 1" : " AND version = $2");
    Tuple args = version == null ? Tuple.of(name) : Tuple.of(name, version);
    return pool.preparedQuery(sql).execute(args).map(rows -> rows.size() == 0 ? null : stored(rows.iterator().next()));
  }

  /** The version in use of every overridden template. */
  public Future<List<Stored>> current() {
    return pool.query("SELECT DISTINCT ON (name) name, version, body, created_by, created_at::text FROM alloy_templates"
        + " ORDER BY name, version DESC").execute().map(rows -> {
          List<Stored> list = new ArrayList<>();
          rows.forEach(row -> list.add(stored(row)));
          return list;
        });
  }

  public Future<List<Stored>> versions(String name) {
    return pool.preparedQuery("SELECT name, version, body, created_by, created_at::text FROM alloy_templates WHERE name = $1"
        + " ORDER BY version DESC").execute(Tuple.of(name)).map(rows -> {
          List<Stored> list = new ArrayList<>();
          rows.forEach(row -> list.add(stored(row)));
          return list;
        });
  }

  /** Saves a new version; concurrent saves of one name get distinct versions (the key rejects a clash). */
  public Future<Stored> save(String name, String body, String createdBy) {
    return pool.preparedQuery("INSERT INTO alloy_templates (name, version, body, created_by)"
            + " SELECT $1, coalesce(max(version), 0) + 1, $2, $3 FROM alloy_templates WHERE name = $1"
            + " RETURNING name, version, body, created_by, created_at::text")
        .execute(Tuple.of(name, body, createdBy)).map(rows -> stored(rows.iterator().next()));
  }

  private static Stored stored(Row row) {
    return new Stored(row.getString("name"), row.getInteger("version"), row.getString("body"), row.getString("created_by"),
        row.getString("created_at"));
  }
}
