package iris.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Microsoft Graph ({@code graph.microsoft.com}) on a loopback port, for what Iris calls:
 * {@code GET /v1.0/users/{id or UPN}}, {@code POST /v1.0/teams/{team}/channels/{channel}/messages}
 * and {@code POST /v1.0/chats/{chat}/messages}, in Graph's JSON shapes. A token the identity
 * platform fake did not issue (or revoked) gets 401 {@code InvalidAuthenticationToken}; a
 * message over 28 KB gets 413 {@code MessageSizeTooBig}; a malformed chatMessage or card gets
 * 400; a good one 201 with the new chatMessage. The next answers can be scripted: 429 with
 * Retry-After, 401, 403, any status.
 */
public final class FakeGraph implements AutoCloseable {
  public static final int MAX_MESSAGE_BYTES = 28 * 1024;
  private static final Pattern ATTACHMENT = Pattern.compile("<attachment id=\"([^\"]+)\"></attachment>");

  /** A post as it came: where, with which token, the chatMessage, its card (null if unreadable) and what is wrong with them. */
  public record Post(String path, String authorization, String raw, JsonObject body, JsonObject card, List<String> problems,
                     Instant at) {}

  private record Answer(int status, Map<String, String> headers, JsonObject body) {}

  private record User(String id, String displayName, String upn) {}

  private final HttpServer server;
  private final ExecutorService executor = Replies.threads("fake-graph");
  private final Function<String, String> accounts;
  private final List<Post> posts = new CopyOnWriteArrayList<>();
  private final List<String> userLookups = new CopyOnWriteArrayList<>();
  private final Map<String, User> users = new ConcurrentHashMap<>();
  private final Queue<Answer> script = new ConcurrentLinkedQueue<>();

  /** @param accounts the account an access token belongs to, or null for a token Graph must refuse ({@link FakeEntraId#accountOf}) */
  public FakeGraph(Function<String, String> accounts) throws IOException {
    this.accounts = accounts;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** What {@code notify.graph.api_url} points at. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** A user of the directory, found by {@code GET /v1.0/users/{upn}}. */
  public void user(String upn, String objectId, String displayName) {
    users.put(upn.toLowerCase(), new User(objectId, displayName, upn));
  }

  /** The next {@code times} posts get 429 with {@code Retry-After}. */
  public void throttle(int times, String retryAfter) {
    script(times, new Answer(429, Map.of("Retry-After", retryAfter), error("TooManyRequests",
        "Too many requests from Identifier:" + UUID.randomUUID() + " under category:throttle.teams.messaging")));
  }

  /** The next {@code times} posts get {@code status} with Graph's error body {@code code: message}. */
  public void answer(int times, int status, String code, String message) {
    script(times, new Answer(status, Map.of(), error(code, message)));
  }

  public List<Post> posts() {
    return List.copyOf(posts);
  }

  /** The posts that Graph took (201). */
  public List<Post> delivered() {
    return posts.stream().filter(p -> p.problems().isEmpty()).toList();
  }

  public List<String> userLookups() {
    return List.copyOf(userLookups);
  }

  private void script(int times, Answer answer) {
    for (int i = 0; i < times; i++) {
      script.add(answer);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    String raw = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String path = exchange.getRequestURI().getPath();
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    String token = authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7) : null;
    String account = accounts.apply(token);
    if ("GET".equals(exchange.getRequestMethod()) && path.startsWith("/v1.0/users/")) {
      user(exchange, path.substring("/v1.0/users/".length()), account);
      return;
    }
    boolean messages = path.matches("/v1\\.0/teams/[^/]+/channels/[^/]+/messages") || path.matches("/v1\\.0/chats/[^/]+/messages");
    if (!"POST".equals(exchange.getRequestMethod()) || !messages) {
      reply(exchange, new Answer(404, Map.of(), error("UnknownError", "")));
      return;
    }
    JsonObject body;
    try {
      body = new JsonObject(raw);
    } catch (DecodeException | ClassCastException e) {
      body = null;
    }
    List<String> problems = new ArrayList<>();
    JsonObject card = card(body, problems);
    Answer answer = script.poll();
    if (answer == null && account == null) {
      answer = new Answer(401, Map.of(), error("InvalidAuthenticationToken", "Access token validation failure. Invalid audience."));
    }
    int bytes = raw.getBytes(StandardCharsets.UTF_8).length;
    if (answer == null && bytes > MAX_MESSAGE_BYTES) {
      answer = new Answer(413, Map.of(), error("MessageSizeTooBig", "Message size too large."));
    }
    if (answer == null && !problems.isEmpty()) {
      answer = new Answer(400, Map.of(), error("BadRequest", String.join("; ", problems)));
    }
    if (answer == null) {
      answer = new Answer(201, Map.of(), created(path, body, account));
    }
    if (answer.status() != 201) {
      problems.add("answered " + answer.status());
    }
    posts.add(new Post(path, authorization, raw, body, card, problems, Instant.now()));
    reply(exchange, answer);
  }

  private void user(HttpExchange exchange, String id, String account) {
    userLookups.add(id);
    if (account == null) {
      reply(exchange, new Answer(401, Map.of(), error("InvalidAuthenticationToken", "Access token validation failure.")));
      return;
    }
    User user = users.get(java.net.URLDecoder.decode(id, StandardCharsets.UTF_8).toLowerCase());
    if (user == null) {
      reply(exchange, new Answer(404, Map.of(), error("Request_ResourceNotFound",
          "Resource '" + id + "' does not exist or one of its queried reference-property objects are not present.")));
      return;
    }
    reply(exchange, new Answer(200, Map.of(), new JsonObject()
        .put("@odata.context", "https://graph.microsoft.com/v1.0/$metadata#users(id,displayName)/$entity")
        .put("id", user.id()).put("displayName", user.displayName())));
  }

  /** The card of a chatMessage: the HTML body names one attachment by id, which holds the card as a JSON string. */
  private static JsonObject card(JsonObject body, List<String> problems) {
    if (body == null) {
      problems.add("the body is not a JSON object");
      return null;
    }
    JsonObject content = body.getJsonObject("body");
    if (content == null || !"html".equals(content.getString("contentType")) || content.getString("content") == null) {
      problems.add("body must be {contentType: html, content}");
      return null;
    }
    Matcher reference = ATTACHMENT.matcher(content.getString("content"));
    JsonArray attachments = body.getJsonArray("attachments");
    if (!reference.find() || attachments == null || attachments.size() != 1) {
      problems.add("the body must reference exactly one attachment by <attachment id=\"…\"></attachment>");
      return null;
    }
    JsonObject attachment = attachments.getJsonObject(0);
    if (!reference.group(1).equals(attachment.getString("id"))) {
      problems.add("the attachment's id differs from the one in the body");
    }
    if (!AdaptiveCardShape.CONTENT_TYPE.equals(attachment.getString("contentType"))) {
      problems.add("attachment.contentType must be " + AdaptiveCardShape.CONTENT_TYPE);
    }
    if (!(attachment.getValue("content") instanceof String serialized)) {
      problems.add("attachment.content must be the card as a JSON string");
      return null;
    }
    JsonObject card;
    try {
      card = new JsonObject(serialized);
    } catch (DecodeException e) {
      problems.add("attachment.content is not JSON");
      return null;
    }
    // The card's own rules are Teams', whichever way it arrives: check it as Workflows would.
    JsonObject envelope = new JsonObject().put("type", "message").put("attachments", new JsonArray()
        .add(new JsonObject().put("contentType", AdaptiveCardShape.CONTENT_TYPE).putNull("contentUrl").put("content", card)));
    AdaptiveCardShape.problems(envelope).stream().filter(p -> !p.startsWith("message is ")).forEach(problems::add);
    return card;
  }

  private static JsonObject created(String path, JsonObject body, String account) {
    String id = String.valueOf(System.currentTimeMillis());
    return new JsonObject().put("@odata.context", "https://graph.microsoft.com/v1.0/$metadata#chatMessage/$entity")
        .put("id", id).put("replyToId", null).put("etag", id).put("messageType", "message")
        .put("createdDateTime", Instant.now().toString()).put("importance", "normal").put("locale", "en-us")
        .put("from", new JsonObject().put("user", new JsonObject().put("id", UUID.nameUUIDFromBytes(account.getBytes(StandardCharsets.UTF_8))
            .toString()).put("displayName", account).put("userIdentityType", "aadUser")))
        .put("body", body.getJsonObject("body")).put("attachments", body.getJsonArray("attachments"))
        .put("mentions", new JsonArray()).put("reactions", new JsonArray())
        .put("chatId", path.startsWith("/v1.0/chats/") ? path.split("/")[3] : null);
  }

  private static JsonObject error(String code, String message) {
    return new JsonObject().put("error", new JsonObject().put("code", code).put("message", message)
        .put("innerError", new JsonObject().put("date", Instant.now().toString()).put("request-id", UUID.randomUUID().toString())
            .put("client-request-id", UUID.randomUUID().toString())));
  }

  private static void reply(HttpExchange exchange, Answer answer) {
    Replies.send(exchange, answer.status(), answer.headers(), "application/json; charset=utf-8", answer.body().encode());
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
