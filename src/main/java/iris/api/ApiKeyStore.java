package iris.api;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import iris.http.ApiKey;
import iris.http.ApiKeyAuth;
import iris.http.Scope;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** API keys, stored by {@link ApiKey#hash}. */
public final class ApiKeyStore implements ApiKeyAuth.Keys {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Pool pool;

  public ApiKeyStore(Pool pool) {
    this.pool = pool;
  }

  public static String newKey() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return "iris_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  public static String hash(String key) {
    return ApiKey.hash(key);
  }


  @Override
  public Future<ApiKey> findActive(String keyHash) {
    return pool.preparedQuery("SELECT id, name, scope FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL")
        .execute(Tuple.of(keyHash))
        .map(rows -> rows.size() == 0 ? null : toKey(rows.iterator().next()));
  }

  public Future<Long> countActive() {
    return pool.query("SELECT count(*) FROM api_keys WHERE revoked_at IS NULL").execute()
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /** Creates a key; null when the name is taken. */
  public Future<ApiKey> create(String name, Scope scope, String keyHash) {
    return pool.preparedQuery("""
            INSERT INTO api_keys (name, scope, key_hash) VALUES ($1, $2, $3)
            ON CONFLICT DO NOTHING RETURNING id, name, scope""")
        .execute(Tuple.of(name, scope.wireName(), keyHash))
        .map(rows -> rows.size() == 0 ? null : toKey(rows.iterator().next()));
  }

  /** Makes {@code name} an admin key with this hash, replacing an earlier one of that name. */
  public Future<Void> upsertAdmin(String name, String keyHash) {
    return pool.preparedQuery("""
            INSERT INTO api_keys (name, scope, key_hash) VALUES ($1, 'admin', $2)
            ON CONFLICT (name) DO UPDATE SET key_hash = EXCLUDED.key_hash, scope = 'admin', revoked_at = NULL""")
        .execute(Tuple.of(name, keyHash)).mapEmpty();
  }

  public Future<List<JsonObject>> list() {
    return pool.query("SELECT id, name, scope, created_at, last_used_at, revoked_at FROM api_keys ORDER BY id").execute()
        .map(rows -> {
          List<JsonObject> keys = new ArrayList<>();
          for (Row row : rows) {
            keys.add(new JsonObject()
                .put("id", row.getLong("id"))
                .put("name", row.getString("name"))
                .put("scope", row.getString("scope"))
                .put("created_at", String.valueOf(row.getOffsetDateTime("created_at").toInstant()))
                .put("last_used_at", row.getOffsetDateTime("last_used_at") == null ? null : row.getOffsetDateTime("last_used_at").toInstant().toString())
                .put("revoked", row.getOffsetDateTime("revoked_at") != null));
          }
          return keys;
        });
  }

  /** True when an active key was revoked. */
  public Future<Boolean> revoke(long id) {
    return pool.preparedQuery("UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL")
        .execute(Tuple.of(id)).map(rows -> rows.rowCount() == 1);
  }

  @Override
  public Future<Void> touch(long id) {
    return pool.preparedQuery("UPDATE api_keys SET last_used_at = now() WHERE id = $1").execute(Tuple.of(id)).mapEmpty();
  }

  private static ApiKey toKey(Row row) {
    return new ApiKey(row.getLong("id"), row.getString("name"), Scope.parse(row.getString("scope")));
  }
}
