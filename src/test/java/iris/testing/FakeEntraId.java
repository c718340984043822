package iris.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;

/**
 * The Microsoft identity platform's OAuth 2.0 endpoints ({@code login.microsoftonline.com}) on
 * a loopback port: {@code POST /{tenant}/oauth2/v2.0/devicecode} and {@code …/token} with the
 * device-code and refresh-token grants, in the platform's JSON shapes. A device code answers
 * {@code authorization_pending} until the test, playing the person, {@link #approve}s its user
 * code (or {@link #decline}s or {@link #expire}s it: {@code authorization_declined},
 * {@code expired_token}); a refresh token answers {@code invalid_grant} once
 * {@link #revokeAll()} ran. Refresh tokens rotate at each use, and an older one stays good, as
 * the platform's do. Access tokens are checked by {@link FakeGraph} through {@link #accountOf}.
 */
public final class FakeEntraId implements AutoCloseable {
  public static final String TENANT = "5f1c8f0e-7a0b-4c51-9d57-2f4b0c1d9e11";
  public static final String CLIENT_ID = "0b8a3f6e-1d2c-4e5f-8a9b-7c6d5e4f3a21";

  /** One request as it came: the path and the form fields. */
  public record Request(String path, Map<String, String> form, Instant at) {}

  private record Code(String deviceCode, String userCode, Instant expires) {}

  private final HttpServer server;
  private final ExecutorService executor = Replies.threads("fake-entra");
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<String, Code> codes = new ConcurrentHashMap<>();
  private final Map<String, String> approved = new ConcurrentHashMap<>();
  private final Set<String> declined = ConcurrentHashMap.newKeySet();
  private final Map<String, String> refreshTokens = new ConcurrentHashMap<>();
  private final Map<String, String> accessTokens = new ConcurrentHashMap<>();
  private volatile long accessSeconds = 3600;
  private volatile long intervalSeconds = 1;

  public FakeEntraId() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** What {@code notify.graph.login_url} points at. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The lifetime ({@code expires_in}) of the access tokens issued from now on. */
  public void accessTokenSeconds(long seconds) {
    this.accessSeconds = seconds;
  }

  /** The person entered {@code userCode} and signed in as {@code account}. */
  public void approve(String userCode, String account) {
    approved.put(userCode, account);
  }

  public void decline(String userCode) {
    declined.add(userCode);
  }

  /** The code's 15 minutes are over. */
  public void expire(String userCode) {
    codes.replaceAll((device, code) -> code.userCode().equals(userCode) ? new Code(device, userCode, Instant.EPOCH) : code);
  }

  /** An admin revoked the account's sessions: every refresh and access token stops working. */
  public void revokeAll() {
    refreshTokens.clear();
    accessTokens.clear();
  }

  /** The account an access token was issued to, or null when it is unknown, revoked or made up. */
  public String accountOf(String accessToken) {
    return accessToken == null ? null : accessTokens.get(accessToken);
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** The token requests with this grant type. */
  public long tokenRequests(String grantType) {
    return requests.stream().filter(r -> r.path().endsWith("/token") && grantType.equals(r.form().get("grant_type"))).count();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Map<String, String> form = form(body);
    String path = exchange.getRequestURI().getPath();
    requests.add(new Request(path, form, Instant.now()));
    String prefix = "/" + TENANT + "/oauth2/v2.0/";
    if (!"POST".equals(exchange.getRequestMethod()) || !path.startsWith(prefix)) {
      reply(exchange, 404, error("invalid_request", "AADSTS90002: Tenant not found.", 90002));
      return;
    }
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (type == null || !type.startsWith("application/x-www-form-urlencoded")) {
      reply(exchange, 400, error("invalid_request", "AADSTS900144: The request body must contain the following parameter: 'grant_type'.", 900144));
      return;
    }
    if (!CLIENT_ID.equals(form.get("client_id"))) {
      reply(exchange, 400, error("unauthorized_client", "AADSTS700016: Application with identifier '" + form.get("client_id")
          + "' was not found in the directory.", 700016));
      return;
    }
    switch (path.substring(prefix.length())) {
      case "devicecode" -> deviceCode(exchange, form);
      case "token" -> token(exchange, form);
      default -> reply(exchange, 404, error("invalid_request", "AADSTS90011: unknown endpoint", 90011));
    }
  }

  private void deviceCode(HttpExchange exchange, Map<String, String> form) {
    if (form.get("scope") == null || form.get("scope").isBlank()) {
      reply(exchange, 400, error("invalid_request", "AADSTS900144: The request body must contain the following parameter: 'scope'.", 900144));
      return;
    }
    String device = "DAQABAAEAAAD--" + UUID.randomUUID().toString().replace("-", "");
    String user = UUID.randomUUID().toString().replace("-", "").substring(0, 9).toUpperCase();
    codes.put(device, new Code(device, user, Instant.now().plusSeconds(900)));
    reply(exchange, 200, new JsonObject().put("user_code", user).put("device_code", device)
        .put("verification_uri", "https://microsoft.com/devicelogin").put("expires_in", 900).put("interval", intervalSeconds)
        .put("message", "To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code "
            + user + " to authenticate."));
  }

  private void token(HttpExchange exchange, Map<String, String> form) {
    String grant = form.getOrDefault("grant_type", "");
    if (grant.equals("urn:ietf:params:oauth:grant-type:device_code")) {
      Code code = codes.get(form.getOrDefault("device_code", ""));
      if (code == null) {
        reply(exchange, 400, error("invalid_grant", "AADSTS70000: Provided grant is invalid or malformed.", 70000));
      } else if (Instant.now().isAfter(code.expires())) {
        reply(exchange, 400, error("expired_token", "AADSTS70020: The provided value for the input parameter 'device_code' is not valid. This device code has expired.", 70020));
      } else if (declined.contains(code.userCode())) {
        reply(exchange, 400, error("authorization_declined", "AADSTS70000: The user declined to authorize the application.", 70000));
      } else if (approved.containsKey(code.userCode())) {
        codes.remove(code.deviceCode()); // a device code gives its tokens once
        reply(exchange, 200, tokens(approved.get(code.userCode()), true));
      } else {
        reply(exchange, 400, error("authorization_pending", "AADSTS70016: OAuth 2.0 device flow error. Authorization is pending. Continue polling.", 70016));
      }
      return;
    }
    if (grant.equals("refresh_token")) {
      String account = refreshTokens.get(form.getOrDefault("refresh_token", ""));
      if (account == null) {
        reply(exchange, 400, error("invalid_grant", "AADSTS50173: The provided grant has expired due to it being revoked, a fresh"
            + " auth token is needed. The user might have changed or reset their password.", 50173));
      } else {
        reply(exchange, 200, tokens(account, false));
      }
      return;
    }
    reply(exchange, 400, error("unsupported_grant_type", "AADSTS70003: The app requested an unsupported grant type '" + grant + "'.", 70003));
  }

  private JsonObject tokens(String account, boolean idToken) {
    String access = "eyJ0eXAiOiJKV1QifQ." + UUID.randomUUID() + ".sig";
    String refresh = "0.AUEB" + UUID.randomUUID();
    accessTokens.put(access, account);
    refreshTokens.put(refresh, account);
    JsonObject out = new JsonObject().put("token_type", "Bearer")
        .put("scope", "ChannelMessage.Send ChatMessage.Send User.ReadBasic.All profile openid email")
        .put("expires_in", accessSeconds).put("ext_expires_in", accessSeconds).put("access_token", access).put("refresh_token", refresh);
    if (idToken) {
      String claims = new JsonObject().put("aud", CLIENT_ID).put("iss", "https://login.microsoftonline.com/" + TENANT + "/v2.0")
          .put("name", "Iris Notifier").put("preferred_username", account).put("oid", UUID.randomUUID().toString()).encode();
      out.put("id_token", "eyJhbGciOiJub25lIn0." + Base64.getUrlEncoder().withoutPadding()
          .encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".");
    }
    return out;
  }

  private static JsonObject error(String code, String description, int number) {
    String trace = UUID.randomUUID().toString();
    return new JsonObject().put("error", code).put("error_description", description + "\r\nTrace ID: " + trace
            + "\r\nCorrelation ID: " + UUID.randomUUID() + "\r\nTimestamp: " + Instant.now())
        .put("error_codes", new JsonArray().add(number)).put("timestamp", Instant.now().toString()).put("trace_id", trace)
        .put("correlation_id", UUID.randomUUID().toString()).put("error_uri", "https://login.microsoftonline.com/error?code=" + number);
  }

  private static Map<String, String> form(String body) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private static void reply(HttpExchange exchange, int status, JsonObject body) {
    Replies.send(exchange, status, Map.of("Cache-Control", "no-store"), "application/json; charset=utf-8", body.encode());
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
