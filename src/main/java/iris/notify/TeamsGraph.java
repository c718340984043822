package iris.notify;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import iris.Components;
import iris.IrisConfig;
import iris.enroll.SecretBox;
import iris.registry.MaintainerStore;
import java.time.Clock;
import java.time.Duration;

/**
 * Teams through Microsoft Graph as the notify capability builds it once, when configured: the
 * sealed grant's store and the identity platform's client, shared; and what each user makes
 * its own (tokens per verticle, the channel, the sign-in, the readiness report).
 */
final class TeamsGraph {
  private final IrisConfig.Graph config;
  private final GraphGrantStore store;
  private final GraphLogin login;
  private final MaintainerStore maintainers;
  private final WebClient http;
  private final Clock clock;

  TeamsGraph(Components components) {
    IrisConfig config = components.config();
    this.config = config.notifications().graph();
    // The key that seals enrollment credentials seals the grant too: one secret for an operator to keep.
    this.store = new GraphGrantStore(components.pool(), SecretBox.open(config.enroll().secretKey(),
        config.dataDir().resolve("enrollment.key")));
    this.http = components.http();
    this.login = new GraphLogin(http, this.config, config.notifications().timeout());
    this.maintainers = new MaintainerStore(components.pool());
    this.clock = components.clock();
  }

  GraphTokens tokens() {
    return new GraphTokens(store, login, clock, config.refreshBefore());
  }

  GraphChannel channel(Duration timeout) {
    return new GraphChannel(http, config, tokens(), store::sendRefused, maintainers::recordObjectId, timeout, clock);
  }

  GraphSignIn signIn(Vertx vertx) {
    return new GraphSignIn(vertx, login, store, config.scopes(), clock);
  }

  GraphGrantStore store() {
    return store;
  }

  /**
   * Keeps the grant alive and its state current: a token due for refresh is refreshed, so a
   * revoked or expired grant shows in readiness before an alert needs it, and a refresh token
   * unused for long does not lapse. Without a grant there is nothing to do.
   */
  Future<Void> keepAlive(GraphTokens tokens) {
    return tokens.accessToken().<Void>mapEmpty().recover(e -> e instanceof GraphTokens.Unavailable u && u.needsSignIn()
        ? Future.succeededFuture() : Future.failedFuture(e));
  }

  /** The readiness report: degraded, with the reason, while no grant can post. */
  Future<JsonObject> readiness() {
    return store.status(clock.instant()).map(status -> {
      JsonObject grant = status.getJsonObject("grant");
      String state = grant.getString("state");
      JsonObject data = new JsonObject().put("state", state).put("account", grant.getString("account"));
      switch (state) {
        case "active" -> data.put("degraded", false).put("access_token_expires_at", grant.getString("access_token_expires_at"))
            .put("last_send_error", grant.getString("last_send_error"));
        case "revoked" -> data.put("degraded", true).put("reason", "the Microsoft Graph sign-in"
            + (grant.getString("account") == null ? "" : " of " + grant.getString("account")) + " was revoked or has expired ("
            + grant.getString("error") + "): a new sign-in is needed, " + GraphTokens.SIGN_IN);
        default -> data.put("degraded", true).put("reason", "nobody signed in to Microsoft Graph: a sign-in is needed, "
            + GraphTokens.SIGN_IN);
      }
      return data;
    });
  }
}
