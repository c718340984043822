package iris.notify;

import io.vertx.core.Future;
import java.time.Instant;

/** The grant store's rules (a write only at the version read) in memory, for tests of tokens and the channel. */
final class MemoryGrants implements GraphTokens.Grants {
  GraphGrant grant;
  Runnable beforeWrite = () -> { };
  Runnable beforeRevoke = () -> { };

  @Override
  public Future<GraphGrant> load() {
    return Future.succeededFuture(grant);
  }

  @Override
  public Future<Boolean> refreshed(GraphGrant old, String refreshToken, String accessToken, Instant expiresAt) {
    beforeWrite.run();
    if (grant == null || !grant.active() || grant.version() != old.version()) {
      return Future.succeededFuture(false);
    }
    grant = new GraphGrant(true, grant.account(), refreshToken, accessToken, expiresAt, grant.version() + 1, null);
    return Future.succeededFuture(true);
  }

  @Override
  public Future<Void> revoked(GraphGrant old, String error) {
    beforeRevoke.run();
    if (grant.version() == old.version()) {
      grant = new GraphGrant(false, grant.account(), grant.refreshToken(), null, null, grant.version() + 1, error);
    }
    return Future.succeededFuture();
  }
}
