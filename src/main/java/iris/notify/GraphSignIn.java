package iris.notify;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device-code sign-in that gives Iris its Graph grant: asks the identity platform for a
 * code, records the sign-in (so every node can show it), then polls the token endpoint in the
 * background at the interval the platform asked for until the person has entered the code,
 * declined, or the code expired. The device code stays in this node's memory; a newer sign-in
 * supersedes this one, which then stops polling.
 */
final class GraphSignIn {
  private static final Logger LOG = LoggerFactory.getLogger(GraphSignIn.class);
  /** RFC 8628 §3.5: a slow_down answer adds five seconds to the interval. */
  private static final Duration SLOW_DOWN = Duration.ofSeconds(5);

  private final Vertx vertx;
  private final GraphLogin login;
  private final GraphGrantStore store;
  private final String scopes;
  private final Clock clock;

  GraphSignIn(Vertx vertx, GraphLogin login, GraphGrantStore store, String scopes, Clock clock) {
    this.vertx = vertx;
    this.login = login;
    this.store = store;
    this.scopes = scopes;
    this.clock = clock;
  }

  /** Starts a sign-in; answers what the person signing in needs: the code, where to enter it, for how long. */
  Future<JsonObject> start(String startedBy) {
    return login.deviceCode().compose(code -> {
      Instant expires = clock.instant().plus(code.expiresIn());
      return store.signInStarted(code.userCode(), code.verificationUri(), expires, startedBy).map(id -> {
        // The user code is shown to the admin who asked, not logged: whoever enters it signs Iris in.
        LOG.info("Microsoft Graph sign-in {} started by {}: the code is to be entered at {} within {} s", id, startedBy,
            code.verificationUri(), code.expiresIn().toSeconds());
        schedule(id, code, code.interval(), expires);
        return new JsonObject().put("id", id).put("state", "pending").put("user_code", code.userCode())
            .put("verification_uri", code.verificationUri()).put("expires_in", code.expiresIn().toSeconds())
            .put("interval", code.interval().toSeconds()).put("message", code.message());
      });
    });
  }

  private void schedule(long id, GraphLogin.DeviceCode code, Duration interval, Instant expires) {
    vertx.setTimer(Math.max(1, interval.toMillis()), t -> poll(id, code, interval, expires));
  }

  private void poll(long id, GraphLogin.DeviceCode code, Duration interval, Instant expires) {
    store.stillPending(id).compose(pending -> {
      if (!pending) {
        return Future.succeededFuture(); // superseded by a newer sign-in
      }
      if (!clock.instant().isBefore(expires)) {
        return finish(id, "expired", null, "the code was not entered in time");
      }
      return login.poll(code.deviceCode()).transform(done -> {
        if (done.failed()) {
          LOG.info("Graph sign-in {}: the token endpoint could not be asked ({}), asking again", id, done.cause().getMessage());
          schedule(id, code, interval, expires);
          return Future.succeededFuture();
        }
        return answered(id, code, interval, expires, done.result());
      });
    }).onFailure(e -> {
      LOG.warn("Graph sign-in {}: {}; polling on", id, e.toString());
      schedule(id, code, interval, expires);
    });
  }

  private Future<Void> answered(long id, GraphLogin.DeviceCode code, Duration interval, Instant expires,
      GraphLogin.TokenAnswer answer) {
    if (answer.ok()) {
      Instant now = clock.instant();
      if (answer.refreshToken() == null) {
        return finish(id, "failed", answer.account(), "no refresh token came back: the scopes must include offline_access");
      }
      return store.signedIn(answer.account(), answer.scope() == null ? scopes : answer.scope(), answer.refreshToken(),
              answer.accessToken(), now.plus(answer.expiresIn()), now)
          .compose(v -> finish(id, "signed_in", answer.account(), null))
          .onSuccess(v -> LOG.info("Microsoft Graph sign-in {} done: Iris posts to Teams as {}", id, answer.account()));
    }
    switch (answer.error()) {
      case "authorization_pending" -> {
        schedule(id, code, interval, expires);
        return Future.succeededFuture();
      }
      case "slow_down" -> {
        schedule(id, code, interval.plus(SLOW_DOWN), expires);
        return Future.succeededFuture();
      }
      case "expired_token" -> {
        return finish(id, "expired", null, answer.describe());
      }
      case "authorization_declined" -> {
        return finish(id, "declined", null, answer.describe());
      }
      default -> {
        return finish(id, "failed", null, answer.describe());
      }
    }
  }

  private Future<Void> finish(long id, String state, String account, String error) {
    if (!"signed_in".equals(state)) {
      LOG.warn("Microsoft Graph sign-in {} ended {}: {}", id, state, error);
    }
    return store.signInFinished(id, state, account, error);
  }
}
