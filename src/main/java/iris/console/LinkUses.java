package iris.console;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import iris.http.SignedLinks;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Which one-click tokens were used, and when: a token acts once. */
final class LinkUses {
  private final Pool pool;

  LinkUses(Pool pool) {
    this.pool = pool;
  }

  /** When the token was used, or null. */
  Future<Instant> usedAt(String nonce) {
    return pool.preparedQuery("SELECT used_at FROM console_link_uses WHERE nonce = $1").execute(Tuple.of(nonce))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getOffsetDateTime("used_at").toInstant());
  }

  /** Claims the token's one use: true for the first caller, false once it was used. */
  Future<Boolean> claim(SignedLinks.Grant grant) {
    return pool.preparedQuery("""
            INSERT INTO console_link_uses (nonce, incident_id, action, expires_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (nonce) DO NOTHING""")
        .execute(Tuple.of(grant.nonce(), grant.incidentId(), grant.action().wire(),
            OffsetDateTime.ofInstant(grant.expiresAt(), ZoneOffset.UTC)))
        .map(rows -> rows.rowCount() == 1);
  }

  /** The action failed after its claim: the link may be tried again. */
  Future<Void> release(SignedLinks.Grant grant) {
    return pool.preparedQuery("DELETE FROM console_link_uses WHERE nonce = $1").execute(Tuple.of(grant.nonce())).mapEmpty();
  }

  /** Forgets uses of tokens that expired more than a day ago. */
  Future<Void> prune() {
    return pool.query("DELETE FROM console_link_uses WHERE expires_at < now() - interval '1 day'").execute().mapEmpty();
  }
}
