package iris.notify;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Access tokens for Graph, for one verticle: the cached token while it is good for more than
 * {@code margin} (looked up again in the store every {@link #RECHECK}), else the stored one
 * (another node may have refreshed it), else a refresh with
 * the grant's refresh token, one at a time however many sends ask. A refresh the platform
 * refuses for good ({@code invalid_grant}) marks the grant revoked: every caller then hears
 * that a new sign-in is needed, and readiness says so.
 */
final class GraphTokens {
  private static final Logger LOG = LoggerFactory.getLogger(GraphTokens.class);

  /** Where the grant is kept (PostgreSQL, sealed); tests keep it in memory. */
  interface Grants {
    /** The grant, or null when nobody signed in yet. */
    Future<GraphGrant> load();

    /** Writes the refreshed tokens if the grant is still at {@code old}'s version; false when another node was first. */
    Future<Boolean> refreshed(GraphGrant old, String refreshToken, String accessToken, Instant expiresAt);

    Future<Void> revoked(GraphGrant old, String error);
  }

  /** The identity platform's refresh grant. */
  interface Refresher {
    Future<GraphLogin.TokenAnswer> refresh(String refreshToken);
  }

  /** No token can be had; {@code needsSignIn} when only a person signing in again can fix it. */
  static final class Unavailable extends RuntimeException {
    private final boolean needsSignIn;

    Unavailable(String message, boolean needsSignIn) {
      super(message, null, false, false);
      this.needsSignIn = needsSignIn;
    }

    boolean needsSignIn() {
      return needsSignIn;
    }
  }

  static final String SIGN_IN = "POST /api/v1/teams/graph/sign-in";
  /** How long a cached token is used without a look at the store: a sign-out, a new sign-in or a revocation reaches every node within it. */
  static final Duration RECHECK = Duration.ofSeconds(30);

  private final Grants grants;
  private final Refresher refresher;
  private final Clock clock;
  private final Duration margin;
  private GraphGrant cached;
  private Instant checkedAt = Instant.MIN;
  private Future<String> inFlight;

  GraphTokens(Grants grants, Refresher refresher, Clock clock, Duration margin) {
    this.grants = grants;
    this.refresher = refresher;
    this.clock = clock;
    this.margin = margin;
  }

  /** A token good for more than the margin; fails with {@link Unavailable}. */
  synchronized Future<String> accessToken() {
    Instant now = clock.instant();
    if (cached != null && cached.accessUsable(now, margin) && now.isBefore(checkedAt.plus(RECHECK))) {
      return Future.succeededFuture(cached.accessToken());
    }
    if (inFlight != null) {
      return inFlight;
    }
    Promise<String> promise = Promise.promise();
    Future<String> token = promise.future();
    inFlight = token;
    fromStore().onComplete(done -> {
      synchronized (this) {
        inFlight = null;
      }
      promise.handle(done);
    });
    return token;
  }

  /** Drops {@code token} after Graph refused it (401), so the next send takes another. */
  synchronized void forget(String token) {
    if (cached != null && token.equals(cached.accessToken())) {
      cached = new GraphGrant(cached.active(), cached.account(), cached.refreshToken(), null, null, cached.version(), null);
    }
  }

  private Future<String> fromStore() {
    return grants.load().recover(e -> Future.failedFuture(new Unavailable("the Graph grant cannot be read: " + e.getMessage(), false)))
        .compose(grant -> {
          if (grant == null) {
            remember(null);
            return Future.failedFuture(new Unavailable("nobody signed in to Microsoft Graph yet: " + SIGN_IN, true));
          }
          if (!grant.active()) {
            remember(null);
            return Future.failedFuture(revokedFailure(grant.error()));
          }
          Instant now = clock.instant();
          if (grant.accessUsable(now, margin) && !sameToken(grant)) {
            remember(grant);
            return Future.succeededFuture(grant.accessToken());
          }
          return refresh(grant);
        });
  }

  /** The stored token is the one this node dropped after a 401: it must not be taken again. */
  private synchronized boolean sameToken(GraphGrant stored) {
    return cached != null && cached.accessToken() == null && cached.version() == stored.version();
  }

  private Future<String> refresh(GraphGrant grant) {
    return refresher.refresh(grant.refreshToken())
        .recover(e -> Future.failedFuture(new Unavailable("the Graph token could not be refreshed: " + e.getMessage(), false)))
        .compose(answer -> {
          if (answer.ok()) {
            Instant expires = clock.instant().plus(answer.expiresIn());
            // The platform may hand back a new refresh token (it rotates them); keep the old one otherwise.
            String refreshToken = answer.refreshToken() == null ? grant.refreshToken() : answer.refreshToken();
            return grants.refreshed(grant, refreshToken, answer.accessToken(), expires).compose(written -> {
              if (!written) {
                return grants.load().compose(this::takeStored); // another node refreshed first: its token is as good
              }
              remember(new GraphGrant(true, grant.account(), refreshToken, answer.accessToken(), expires, grant.version() + 1, null));
              return Future.succeededFuture(answer.accessToken());
            });
          }
          if (answer.needsSignIn()) {
            // Written only if nobody refreshed meanwhile; a node that did holds a good grant, which is kept.
            return grants.revoked(grant, answer.describe()).compose(v -> grants.load()).compose(current -> {
              if (current != null && current.active() && current.accessUsable(clock.instant(), margin)) {
                return takeStored(current);
              }
              LOG.warn("Microsoft Graph refused the grant of {}: {}. A new sign-in is needed ({})", grant.account(),
                  answer.describe(), SIGN_IN);
              return Future.failedFuture(revokedFailure(answer.describe()));
            });
          }
          return Future.failedFuture(new Unavailable("the identity platform refused to refresh the Graph token: "
              + answer.describe(), false));
        });
  }

  private Future<String> takeStored(GraphGrant grant) {
    if (grant == null || !grant.active()) {
      return Future.failedFuture(revokedFailure(grant == null ? null : grant.error()));
    }
    remember(grant);
    return Future.succeededFuture(grant.accessToken());
  }

  private synchronized void remember(GraphGrant grant) {
    cached = grant;
    checkedAt = clock.instant();
  }

  private static Unavailable revokedFailure(String error) {
    return new Unavailable("the Microsoft Graph sign-in was revoked or has expired" + (error == null ? "" : " (" + error + ")")
        + ": sign in again with " + SIGN_IN, true);
  }
}
