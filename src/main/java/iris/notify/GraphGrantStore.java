package iris.notify;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import iris.enroll.SecretBox;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * All SQL on {@code graph_grant} and {@code graph_sign_ins}. Tokens are sealed with the
 * enrollment key before they reach the database and opened only here.
 */
final class GraphGrantStore implements GraphTokens.Grants {
  private final Pool pool;
  private final SecretBox box;

  GraphGrantStore(Pool pool, SecretBox box) {
    this.pool = pool;
    this.box = box;
  }

  @Override
  public Future<GraphGrant> load() {
    return pool.query("SELECT * FROM graph_grant WHERE id = 1").execute().compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(null);
      }
      Row r = rows.iterator().next();
      try {
        return Future.succeededFuture(new GraphGrant("active".equals(r.getString("state")), r.getString("account"),
            open(r.getBuffer("refresh_token")), open(r.getBuffer("access_token")), instant(r.getOffsetDateTime("access_expires_at")),
            r.getLong("version"), r.getString("error")));
      } catch (GeneralSecurityException e) {
        return Future.failedFuture(new IllegalStateException("the Graph grant was sealed with another key"
            + " (enroll.secret_key differs): sign in again"));
      }
    });
  }

  /** The grant of a finished sign-in, replacing any earlier one. */
  Future<Void> signedIn(String account, String scopes, String refreshToken, String accessToken, Instant expiresAt, Instant now) {
    String sql = """
        INSERT INTO graph_grant (id, state, account, scopes, refresh_token, access_token, access_expires_at, version, signed_in_at,
          refreshed_at, updated_at)
        VALUES (1, 'active', $1, $2, $3, $4, $5, 1, $6, $6, now())
        ON CONFLICT (id) DO UPDATE SET state = 'active', account = $1, scopes = $2, refresh_token = $3, access_token = $4,
          access_expires_at = $5, version = graph_grant.version + 1, error = NULL, last_send_error = NULL,
          last_send_error_at = NULL, signed_in_at = $6, refreshed_at = $6, updated_at = now()""";
    return pool.preparedQuery(sql).execute(Tuple.of(account, scopes, seal(refreshToken), seal(accessToken), time(expiresAt), time(now)))
        .mapEmpty();
  }

  @Override
  public Future<Boolean> refreshed(GraphGrant old, String refreshToken, String accessToken, Instant expiresAt) {
    String sql = """
        UPDATE graph_grant SET refresh_token = $1, access_token = $2, access_expires_at = $3, version = version + 1,
          refreshed_at = now(), updated_at = now()
        WHERE id = 1 AND version = $4 AND state = 'active'""";
    return pool.preparedQuery(sql).execute(Tuple.of(seal(refreshToken), seal(accessToken), time(expiresAt), old.version()))
        .map(rows -> rows.rowCount() == 1);
  }

  @Override
  public Future<Void> revoked(GraphGrant old, String error) {
    return pool.preparedQuery("""
            UPDATE graph_grant SET state = 'revoked', error = $1, access_token = NULL, access_expires_at = NULL,
              version = version + 1, updated_at = now() WHERE id = 1 AND version = $2""")
        .execute(Tuple.of(error, old.version())).mapEmpty();
  }

  /** Signs Iris out: the grant is deleted (pending sign-ins are left to finish or lapse). */
  Future<Boolean> signOut() {
    return pool.query("DELETE FROM graph_grant WHERE id = 1").execute().map(rows -> rows.rowCount() == 1);
  }

  /** A send Graph refused for the account (401, 403), for the status and readiness. */
  Future<Void> sendRefused(String error) {
    return pool.preparedQuery("UPDATE graph_grant SET last_send_error = $1, last_send_error_at = now() WHERE id = 1")
        .execute(Tuple.of(error)).mapEmpty();
  }

  /** A new sign-in, which supersedes any still pending; its id. */
  Future<Long> signInStarted(String userCode, String verificationUri, Instant expiresAt, String startedBy) {
    String sql = """
        WITH superseded AS (UPDATE graph_sign_ins SET state = 'superseded', finished_at = now() WHERE state = 'pending')
        INSERT INTO graph_sign_ins (user_code, verification_uri, expires_at, started_by) VALUES ($1, $2, $3, $4) RETURNING id""";
    return pool.preparedQuery(sql).execute(Tuple.of(userCode, verificationUri, time(expiresAt), startedBy))
        .map(rows -> rows.iterator().next().getLong("id"));
  }

  /** True while the sign-in waits for its person (not finished, not superseded by a newer one). */
  Future<Boolean> stillPending(long id) {
    return pool.preparedQuery("SELECT 1 FROM graph_sign_ins WHERE id = $1 AND state = 'pending'").execute(Tuple.of(id))
        .map(rows -> rows.size() == 1);
  }

  Future<Void> signInFinished(long id, String state, String account, String error) {
    return pool.preparedQuery("""
            UPDATE graph_sign_ins SET state = $2, account = $3, error = $4, finished_at = now() WHERE id = $1 AND state = 'pending'""")
        .execute(Tuple.of(id, state, account, error)).mapEmpty();
  }

  /**
   * The grant and the latest sign-in as the API shows them: never a token; the user code only
   * while its sign-in is pending.
   */
  Future<JsonObject> status(Instant now) {
    String sql = """
        SELECT (SELECT to_jsonb(g) - 'refresh_token' - 'access_token' FROM graph_grant g WHERE id = 1) AS grant_row,
               (SELECT to_jsonb(s) FROM graph_sign_ins s ORDER BY id DESC LIMIT 1) AS sign_in""";
    return pool.query(sql).execute().map(rows -> {
      Row r = rows.iterator().next();
      JsonObject grant = r.getJsonObject("grant_row");
      JsonObject signIn = r.getJsonObject("sign_in");
      JsonObject out = new JsonObject();
      if (grant == null) {
        out.put("grant", new JsonObject().put("state", "none"));
      } else {
        out.put("grant", new JsonObject().put("state", grant.getString("state")).put("account", grant.getString("account"))
            .put("scopes", grant.getString("scopes")).put("signed_in_at", grant.getString("signed_in_at"))
            .put("refreshed_at", grant.getString("refreshed_at")).put("access_token_expires_at", grant.getString("access_expires_at"))
            .put("error", grant.getString("error")).put("last_send_error", grant.getString("last_send_error"))
            .put("last_send_error_at", grant.getString("last_send_error_at")));
      }
      if (signIn != null) {
        String state = signIn.getString("state");
        boolean lapsed = "pending".equals(state) && OffsetDateTime.parse(signIn.getString("expires_at")).toInstant().isBefore(now);
        JsonObject s = new JsonObject().put("id", signIn.getLong("id")).put("state", lapsed ? "expired" : state)
            .put("verification_uri", signIn.getString("verification_uri")).put("expires_at", signIn.getString("expires_at"))
            .put("started_by", signIn.getString("started_by")).put("account", signIn.getString("account"))
            .put("error", signIn.getString("error")).put("created_at", signIn.getString("created_at"))
            .put("finished_at", signIn.getString("finished_at"));
        if ("pending".equals(state) && !lapsed) {
          s.put("user_code", signIn.getString("user_code"));
        }
        out.put("sign_in", s);
      }
      return out;
    });
  }

  private Buffer seal(String plain) {
    return plain == null ? null : Buffer.buffer(box.seal(plain));
  }

  private String open(Buffer sealed) throws GeneralSecurityException {
    return sealed == null ? null : box.unseal(sealed.getBytes());
  }

  private static OffsetDateTime time(Instant t) {
    return t == null ? null : OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
  }

  private static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }
}
