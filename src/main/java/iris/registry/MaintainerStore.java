package iris.registry;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** All SQL on {@code maintainers}. */
public final class MaintainerStore {
  private final Pool pool;

  public MaintainerStore(Pool pool) {
    this.pool = pool;
  }

  public Future<JsonObject> create(Maintainer m) {
    String sql = """
        INSERT INTO maintainers (name, email, teams_webhook_url, channels, min_severity, digest_frequency, graph_team_id,
          graph_channel_id, graph_chat_id, mention, aad_object_id)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *""";
    return Names.conflictOnDuplicate(pool.preparedQuery(sql).execute(params(m))
        .map(rows -> json(rows.iterator().next())), "a maintainer", m.name());
  }

  /**
   * Null when no such maintainer. An object id resolved from the email is kept while the email
   * stays the same and none is given.
   */
  public Future<JsonObject> update(long id, Maintainer m) {
    String sql = """
        UPDATE maintainers SET name = $1, email = $2, teams_webhook_url = $3, channels = $4, min_severity = $5,
          digest_frequency = $6, graph_team_id = $7, graph_channel_id = $8, graph_chat_id = $9, mention = $10,
          aad_object_id = COALESCE($11, CASE WHEN email IS NOT DISTINCT FROM $2 THEN aad_object_id END), updated_at = now()
        WHERE id = $12 RETURNING *""";
    return Names.conflictOnDuplicate(pool.preparedQuery(sql).execute(params(m).addLong(id))
        .map(rows -> rows.size() == 0 ? null : json(rows.iterator().next())), "a maintainer", m.name());
  }

  public Future<Boolean> delete(long id) {
    return pool.preparedQuery("DELETE FROM maintainers WHERE id = $1").execute(Tuple.of(id)).map(r -> r.rowCount() == 1);
  }

  public Future<JsonObject> find(long id) {
    return pool.preparedQuery("SELECT * FROM maintainers WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? null : json(rows.iterator().next()));
  }

  public Future<List<JsonObject>> list(long afterId, int limit) {
    return pool.preparedQuery("SELECT * FROM maintainers WHERE id > $1 ORDER BY id LIMIT $2").execute(Tuple.of(afterId, limit))
        .map(rows -> {
          List<JsonObject> out = new ArrayList<>();
          rows.forEach(r -> out.add(json(r)));
          return out;
        });
  }

  /**
   * Keeps the Azure AD object id Graph gave for {@code email}, unless the maintainer's email
   * changed meanwhile or an id is set already.
   */
  public Future<Void> recordObjectId(String name, String email, String objectId) {
    return pool.preparedQuery("UPDATE maintainers SET aad_object_id = $3 WHERE name = $1 AND email = $2 AND aad_object_id IS NULL")
        .execute(Tuple.of(name, email, objectId)).mapEmpty();
  }

  private static Tuple params(Maintainer m) {
    return Tuple.of(m.name(), m.email(), m.teamsWebhookUrl()).addArrayOfString(m.channels().toArray(String[]::new))
        .addString(m.minSeverity()).addString(m.digestFrequency()).addString(m.graphTeamId()).addString(m.graphChannelId())
        .addString(m.graphChatId()).addBoolean(m.mention()).addString(m.aadObjectId());
  }

  /** The Teams URL is write-only: the API says whether one is set, never what it is. */
  static JsonObject json(Row r) {
    return new JsonObject()
        .put("id", r.getLong("id"))
        .put("name", r.getString("name"))
        .put("email", r.getString("email"))
        .put("teams_webhook", r.getString("teams_webhook_url") != null)
        .put("channels", Names.array(r.getArrayOfStrings("channels")))
        .put("min_severity", r.getString("min_severity"))
        .put("digest_frequency", r.getString("digest_frequency"))
        .put("graph_team_id", r.getString("graph_team_id"))
        .put("graph_channel_id", r.getString("graph_channel_id"))
        .put("graph_chat_id", r.getString("graph_chat_id"))
        .put("mention", r.getBoolean("mention"))
        .put("aad_object_id", r.getString("aad_object_id"))
        .put("created_at", Names.time(r.getOffsetDateTime("created_at")))
        .put("updated_at", Names.time(r.getOffsetDateTime("updated_at")));
  }
}
