package iris.notify;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import iris.IrisConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * The Microsoft identity platform's OAuth 2.0 endpoints for Iris's Azure AD app: the device
 * code that starts a sign-in, the token poll that ends it, and the refresh of a grant. An
 * answer the platform gives (tokens, or an error it names) is a {@link TokenAnswer}; a failed
 * future means the platform could not be asked (network, timeout, 5xx).
 */
final class GraphLogin implements GraphTokens.Refresher {
  static final String DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

  /** What the sign-in shows the person signing in, and how often to poll meanwhile. */
  record DeviceCode(String deviceCode, String userCode, String verificationUri, Duration expiresIn, Duration interval,
                    String message) {}

  /**
   * Tokens (with the signed-in account, from the ID token, when the scopes asked for one), or
   * the error: {@code authorization_pending}, {@code slow_down}, {@code expired_token},
   * {@code authorization_declined}, {@code invalid_grant}…
   */
  record TokenAnswer(String accessToken, String refreshToken, Duration expiresIn, String scope, String account, String error,
                     String errorDescription) {
    boolean ok() {
      return accessToken != null;
    }

    /** The grant is gone (revoked, expired, consent withdrawn): only a new sign-in helps. */
    boolean needsSignIn() {
      return "invalid_grant".equals(error) || "interaction_required".equals(error);
    }

    String describe() {
      String text = errorDescription == null ? "" : errorDescription.lines().findFirst().orElse("").strip();
      return error + (text.isEmpty() ? "" : ": " + text);
    }

    static TokenAnswer failed(String error, String description) {
      return new TokenAnswer(null, null, null, null, null, error, description);
    }
  }

  private final WebClient client;
  private final IrisConfig.Graph config;
  private final Duration timeout;

  GraphLogin(WebClient client, IrisConfig.Graph config, Duration timeout) {
    this.client = client;
    this.config = config;
    this.timeout = timeout;
  }

  private String endpoint(String name) {
    return config.loginUrl() + "/" + config.tenant() + "/oauth2/v2.0/" + name;
  }

  Future<DeviceCode> deviceCode() {
    MultiMap form = MultiMap.caseInsensitiveMultiMap().add("client_id", config.clientId()).add("scope", config.scopes());
    return post("devicecode", form).compose(response -> {
      JsonObject body = json(response);
      if (response.statusCode() != 200 || body.getString("device_code") == null) {
        return Future.failedFuture(new IllegalStateException("the identity platform refused the sign-in (HTTP "
            + response.statusCode() + (body.getString("error") == null ? "" : " " + TokenAnswer.failed(body.getString("error"),
            body.getString("error_description")).describe()) + ")"));
      }
      return Future.succeededFuture(new DeviceCode(body.getString("device_code"), body.getString("user_code"),
          body.getString("verification_uri"), Duration.ofSeconds(body.getLong("expires_in", 900L)),
          Duration.ofSeconds(Math.max(1, body.getLong("interval", 5L))), body.getString("message")));
    });
  }

  /** One poll of a device-code sign-in. */
  Future<TokenAnswer> poll(String deviceCode) {
    return token(MultiMap.caseInsensitiveMultiMap().add("grant_type", DEVICE_CODE_GRANT).add("device_code", deviceCode));
  }

  @Override
  public Future<TokenAnswer> refresh(String refreshToken) {
    return token(MultiMap.caseInsensitiveMultiMap().add("grant_type", "refresh_token").add("refresh_token", refreshToken)
        .add("scope", config.scopes()));
  }

  private Future<TokenAnswer> token(MultiMap form) {
    form.add("client_id", config.clientId());
    if (!config.clientSecret().isEmpty()) {
      form.add("client_secret", config.clientSecret());
    }
    return post("token", form).compose(response -> {
      JsonObject body = json(response);
      if (response.statusCode() == 200 && body.getString("access_token") != null) {
        return Future.succeededFuture(new TokenAnswer(body.getString("access_token"), body.getString("refresh_token"),
            Duration.ofSeconds(body.getLong("expires_in", 3600L)), body.getString("scope"), account(body.getString("id_token")),
            null, null));
      }
      if (response.statusCode() >= 500 || body.getString("error") == null) {
        return Future.failedFuture(new IllegalStateException("the identity platform's token endpoint answered HTTP "
            + response.statusCode()));
      }
      return Future.succeededFuture(TokenAnswer.failed(body.getString("error"), body.getString("error_description")));
    });
  }

  private Future<HttpResponse<Buffer>> post(String name, MultiMap form) {
    return client.postAbs(endpoint(name)).putHeader("Accept", "application/json").timeout(timeout.toMillis()).sendForm(form)
        // The form holds the client secret and the tokens: a failure says only what failed.
        .recover(e -> Future.failedFuture(new IllegalStateException("the identity platform (" + config.loginUrl()
            + ") could not be reached: " + e.getClass().getSimpleName())));
  }

  private static JsonObject json(HttpResponse<Buffer> response) {
    try {
      return response.body() == null ? new JsonObject() : new JsonObject(response.body());
    } catch (DecodeException | ClassCastException e) {
      return new JsonObject();
    }
  }

  /**
   * Who signed in, from the ID token the platform returned with the tokens (received straight
   * from it over TLS, so its claims are read without checking the signature); null without one.
   */
  static String account(String idToken) {
    if (idToken == null) {
      return null;
    }
    String[] parts = idToken.split("\\.");
    if (parts.length < 2) {
      return null;
    }
    try {
      JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
      String who = claims.getString("preferred_username", claims.getString("upn", claims.getString("name")));
      return who == null || who.isBlank() ? null : who;
    } catch (IllegalArgumentException | DecodeException | ClassCastException e) {
      return null;
    }
  }
}
