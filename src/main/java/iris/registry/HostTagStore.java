package iris.registry;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * All SQL on {@code host_tags}. "Active" is decided by the clock at read time (not removed,
 * not past {@code expires_at}), so a tag stops counting the moment it expires, whether or not
 * any job has run.
 */
public final class HostTagStore {
  static final String ACTIVE = "removed_at IS NULL AND (expires_at IS NULL OR expires_at > now())";

  private final Pool pool;

  public HostTagStore(Pool pool) {
    this.pool = pool;
  }

  /** Null when the host does not exist. */
  public Future<JsonObject> add(long hostId, HostTag tag, String createdBy) {
    String sql = """
        INSERT INTO host_tags (host_id, type, name, reason, metadata, expires_at, created_by)
        SELECT id, $2, $3, $4, $5, $6, $7 FROM hosts WHERE id = $1 RETURNING *""";
    return pool.preparedQuery(sql).execute(Tuple.of(hostId, tag.type(), tag.name(), tag.reason(), tag.metadata(),
            tag.expiresAt(), createdBy))
        .map(rows -> rows.size() == 0 ? null : json(rows.iterator().next()));
  }

  /** Active tags, or with {@code history} every tag ever set, newest first. */
  public Future<List<JsonObject>> list(long hostId, boolean history) {
    String sql = "SELECT *, " + ACTIVE + " AS active FROM host_tags WHERE host_id = $1"
        + (history ? "" : " AND " + ACTIVE) + " ORDER BY id DESC";
    return pool.preparedQuery(sql).execute(Tuple.of(hostId)).map(rows -> {
      List<JsonObject> out = new ArrayList<>();
      rows.forEach(r -> out.add(json(r)));
      return out;
    });
  }

  /** Marks a tag removed (kept as history); false when there is no such active tag on the host. */
  public Future<Boolean> remove(long hostId, long tagId, String removedBy) {
    return pool.preparedQuery("UPDATE host_tags SET removed_at = now(), removed_by = $3 WHERE id = $2 AND host_id = $1 AND removed_at IS NULL")
        .execute(Tuple.of(hostId, tagId, removedBy)).map(r -> r.rowCount() == 1);
  }

  private static JsonObject json(Row r) {
    JsonObject json = new JsonObject()
        .put("id", r.getLong("id"))
        .put("host_id", r.getLong("host_id"))
        .put("type", r.getString("type"))
        .put("name", r.getString("name"))
        .put("reason", r.getString("reason"))
        .put("metadata", Names.object(r.getValue("metadata")))
        .put("expires_at", Names.time(r.getOffsetDateTime("expires_at")))
        .put("created_by", r.getString("created_by"))
        .put("created_at", Names.time(r.getOffsetDateTime("created_at")))
        .put("removed_by", r.getString("removed_by"))
        .put("removed_at", Names.time(r.getOffsetDateTime("removed_at")));
    int active = r.getColumnIndex("active");
    json.put("active", active >= 0 ? r.getBoolean(active) : Boolean.TRUE);
    return json;
  }
}
