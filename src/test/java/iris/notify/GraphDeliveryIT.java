package iris.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.testing.FakeEntraId;
import iris.testing.FakeGraph;
import iris.testing.FakeTeams;
import iris.testing.Knowledge;
import iris.testing.Payloads;
import iris.testing.Sql;
import iris.testing.TestIris;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A whole Iris with Teams through Microsoft Graph, against local servers that speak the
 * identity platform's device-code and token endpoints and Graph's users and chatMessage
 * endpoints: the sign-in through the admin API, a critical alert in a team's channel with an
 * @mention of its maintainer (object id resolved once and kept), throttling retried and sent
 * once, 401 and 403 failed at once and reported, a Workflows card's mention, and a revoked
 * grant in {@code /health/ready}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GraphDeliveryIT {
  private static final String TEAM = "fbe2bf47-16c8-47cf-b4a5-4b9b187c508b";
  private static final String CHANNEL = "19:4a95f7d8db4c4e7fae857bcebe0623e6@thread.tacv2";
  private static final String CHAT = "19:2da4c29f6d7041eca70b638b43d45437@thread.v2";
  private static final String AMA_ID = "ef1c916a-3135-4417-ba27-8eb7bd084193";
  private static final String ACCOUNT = "iris-notifier@contoso.example";

  private static FakeEntraId login;
  private static FakeGraph graph;
  private static FakeTeams teams;
  private static TestIris iris;
  private static String db;

  @BeforeAll
  static void start() throws Exception {
    login = new FakeEntraId();
    graph = new FakeGraph(login::accountOf);
    teams = new FakeTeams();
    graph.user("ama.mensah@contoso.example", AMA_ID, "Ama Mensah");
    iris = TestIris.start(Map.of("IRIS_NOTIFY_GRAPH_TENANT", FakeEntraId.TENANT, "IRIS_NOTIFY_GRAPH_CLIENT_ID", FakeEntraId.CLIENT_ID,
        "IRIS_NOTIFY_GRAPH_LOGIN_URL", login.url(), "IRIS_NOTIFY_GRAPH_API_URL", graph.url(),
        "IRIS_NOTIFY_RETRY_BASE_SECONDS", "1", "IRIS_NOTIFY_MAX_ATTEMPTS", "3"));
    db = iris.env.get("IRIS_DB_URL");
    post("/api/v1/maintainers", new JsonObject().put("name", "Ama Mensah").put("email", "ama.mensah@contoso.example")
        .put("channels", new JsonArray().add("graph")).put("graph_team_id", TEAM).put("graph_channel_id", CHANNEL).put("mention", true));
    post("/api/v1/maintainers", new JsonObject().put("name", "Bo").put("email", "bo@contoso.example")
        .put("channels", new JsonArray().add("graph")).put("graph_chat_id", CHAT));
    post("/api/v1/maintainers", new JsonObject().put("name", "Kofi Boateng").put("email", "kofi@contoso.example")
        .put("channels", new JsonArray().add("teams")).put("teams_webhook_url", teams.webhookUrl("kofi")).put("mention", true));
    post("/api/v1/hosts", new JsonObject().put("hostname", "db-1").put("maintainers", new JsonArray().add("Ama Mensah")));
    post("/api/v1/hosts", new JsonObject().put("hostname", "chat-1").put("maintainers", new JsonArray().add("Bo")));
    post("/api/v1/hosts", new JsonObject().put("hostname", "web-1").put("maintainers", new JsonArray().add("Kofi Boateng")));
  }

  @AfterAll
  static void stop() throws Exception {
    iris.close();
    graph.close();
    login.close();
    teams.close();
  }

  private static JsonObject post(String path, JsonObject body) {
    var r = iris.api("POST", path, body.encode());
    assertEquals(201, r.status(), r.body());
    return r.json();
  }

  private static void fire(String fingerprint, String instance, String severity) {
    var r = iris.webhook(Payloads.webhook("{}:{fp=\"" + fingerprint + "\"}",
        Payloads.alert(fingerprint, "PostgresDown", instance, severity, "firing", Instant.now().minusSeconds(5), null)).encode());
    assertEquals(200, r.status(), r.body());
  }

  private static JsonObject delivery(String fingerprint) {
    long id = ((Number) Sql.rows(db, "SELECT id FROM incidents WHERE fingerprint = ?", fingerprint).get(0).get("id")).longValue();
    JsonArray deliveries = iris.api("GET", "/api/v1/incidents/" + id, null).json().getJsonArray("deliveries");
    return deliveries.isEmpty() ? new JsonObject() : deliveries.getJsonObject(0);
  }

  private static JsonObject graphCheck() {
    JsonObject checks = new JsonObject().put("checks", iris.http.get("/health/ready", Map.of()).json().getJsonArray("checks"));
    for (Object c : checks.getJsonArray("checks")) {
      JsonObject check = (JsonObject) c;
      if ("teams-graph".equals(check.getString("id"))) {
        return check.getJsonObject("data");
      }
    }
    throw new AssertionError("no teams-graph check in " + checks.encode());
  }

  private static List<FakeGraph.Post> postsFor(String instance) {
    return graph.posts().stream().filter(p -> p.raw().contains(instance)).toList();
  }

  @Test
  @Order(1)
  void theSignInGoesThroughTheDeviceCodeFlowAndReadinessFollowsIt() throws Exception {
    assertTrue(graphCheck().getBoolean("degraded"));
    assertTrue(graphCheck().getString("reason").contains("sign-in is needed"), graphCheck().encode());

    var started = iris.api("POST", "/api/v1/teams/graph/sign-in", null);
    assertEquals(202, started.status(), started.body());
    JsonObject code = started.json();
    assertEquals("https://microsoft.com/devicelogin", code.getString("verification_uri"));
    assertEquals(900, code.getInteger("expires_in"));
    String userCode = code.getString("user_code");
    assertNotNull(userCode);
    FakeEntraId.Request asked = login.requests().get(0);
    assertEquals("/" + FakeEntraId.TENANT + "/oauth2/v2.0/devicecode", asked.path());
    assertTrue(asked.form().get("scope").contains("offline_access") && asked.form().get("scope").contains("ChannelMessage.Send"),
        asked.form().toString());

    JsonObject pending = iris.api("GET", "/api/v1/teams/graph/sign-in", null).json();
    assertEquals("pending", pending.getJsonObject("sign_in").getString("state"));
    assertEquals(userCode, pending.getJsonObject("sign_in").getString("user_code"));
    assertEquals("none", pending.getJsonObject("grant").getString("state"));
    Knowledge.await("the poll hears authorization_pending", 10_000,
        () -> login.tokenRequests("urn:ietf:params:oauth:grant-type:device_code") >= 1);

    login.approve(userCode, ACCOUNT);
    Knowledge.await("signed in", 15_000, () -> "active".equals(
        iris.api("GET", "/api/v1/teams/graph/sign-in", null).json().getJsonObject("grant").getString("state")));
    JsonObject status = iris.api("GET", "/api/v1/teams/graph/sign-in", null).json();
    assertEquals("signed_in", status.getJsonObject("sign_in").getString("state"));
    assertNull(status.getJsonObject("sign_in").getString("user_code"), "the code is shown only while it can be used");
    assertEquals(ACCOUNT, status.getJsonObject("grant").getString("account"));
    assertFalse(status.encode().contains("0.AUEB"), "no refresh token ever leaves Iris");
    assertFalse(graphCheck().getBoolean("degraded"), graphCheck().encode());
    assertEquals(ACCOUNT, graphCheck().getString("account"));
    long sealed = Sql.count(db, "SELECT count(*) FROM graph_grant WHERE position('0.AUEB'::bytea in refresh_token) = 0");
    assertEquals(1, sealed, "the refresh token is sealed at rest");
  }

  @Test
  @Order(2)
  void aCriticalAlertReachesTheChannelWithAnAtMentionOfItsMaintainer() throws Exception {
    fire("fp-graph-critical", "db-1:9187", "critical");
    Knowledge.await("posted to the channel", 30_000, () -> !postsFor("db-1:9187").isEmpty());
    FakeGraph.Post post = postsFor("db-1:9187").get(0);
    assertEquals("/v1.0/teams/" + TEAM + "/channels/" + CHANNEL + "/messages", post.path());
    assertEquals(List.of(), post.problems());
    assertTrue(login.accountOf(post.authorization().substring("Bearer ".length())) != null, "a token the platform issued");
    JsonArray entities = post.card().getJsonObject("msteams").getJsonArray("entities");
    assertEquals(1, entities.size());
    JsonObject mention = entities.getJsonObject(0);
    assertEquals("mention", mention.getString("type"));
    assertEquals("<at>Ama Mensah</at>", mention.getString("text"));
    assertEquals(AMA_ID, mention.getJsonObject("mentioned").getString("id"));
    assertTrue(post.card().encode().contains("\"text\":\"<at>Ama Mensah</at>\""), post.card().encode());
    Knowledge.await("sent", 10_000, () -> "sent".equals(delivery("fp-graph-critical").getString("state")));
    assertEquals("graph", delivery("fp-graph-critical").getString("channel"));

    assertEquals(List.of("ama.mensah@contoso.example"), graph.userLookups());
    Knowledge.await("the object id is kept", 5_000, () -> AMA_ID.equals(Sql.rows(db,
        "SELECT aad_object_id FROM maintainers WHERE name = 'Ama Mensah'").get(0).get("aad_object_id")));
    fire("fp-graph-critical-2", "db-1:9188", "critical");
    Knowledge.await("second card", 30_000, () -> !postsFor("db-1:9188").isEmpty());
    assertEquals(AMA_ID, postsFor("db-1:9188").get(0).card().getJsonObject("msteams").getJsonArray("entities").getJsonObject(0)
        .getJsonObject("mentioned").getString("id"));
    assertEquals(1, graph.userLookups().size(), "resolved once, then read from the maintainer");
  }

  @Test
  @Order(3)
  void aWarningMentionsNobody() throws Exception {
    fire("fp-graph-warning", "db-1:9189", "warning");
    Knowledge.await("posted", 30_000, () -> !postsFor("db-1:9189").isEmpty());
    JsonObject card = postsFor("db-1:9189").get(0).card();
    assertNull(card.getJsonObject("msteams").getJsonArray("entities"));
    assertFalse(card.encode().contains("<at>"));
  }

  @Test
  @Order(4)
  void throttlingIsRetriedAfterRetryAfterAndTheCardArrivesOnce() throws Exception {
    graph.throttle(1, "2");
    fire("fp-graph-429", "chat-1:9100", "critical");
    Knowledge.await("sent", 30_000, () -> "sent".equals(delivery("fp-graph-429").getString("state")));
    List<FakeGraph.Post> posts = postsFor("chat-1:9100");
    assertEquals(2, posts.size(), "one throttled, one taken");
    assertEquals("/v1.0/chats/" + CHAT + "/messages", posts.get(1).path());
    assertEquals(1, posts.stream().filter(p -> p.problems().isEmpty()).count(), "delivered once");
    long waited = posts.get(1).at().toEpochMilli() - posts.get(0).at().toEpochMilli();
    assertTrue(waited >= 1900, "the retry waited for Retry-After: " + waited + " ms");
    assertEquals(2, delivery("fp-graph-429").getInteger("attempts"));
  }

  @Test
  @Order(5)
  void forbiddenAndUnauthorizedAreNotRetriedAndAreReported() throws Exception {
    graph.answer(1, 403, "Forbidden", "Missing role permissions on the request. API requires one of 'ChatMessage.Send'.");
    fire("fp-graph-403", "chat-1:9101", "warning");
    Knowledge.await("failed", 30_000, () -> "failed".equals(delivery("fp-graph-403").getString("state")));
    JsonObject failed = delivery("fp-graph-403");
    assertEquals(1, failed.getInteger("attempts"));
    assertTrue(failed.getString("last_error").contains("HTTP 403"), failed.encode());
    assertTrue(failed.getString("last_error").contains("Missing role permissions"), failed.encode());
    assertEquals(1, postsFor("chat-1:9101").size());

    graph.answer(1, 401, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired.");
    fire("fp-graph-401", "chat-1:9102", "warning");
    Knowledge.await("failed", 30_000, () -> "failed".equals(delivery("fp-graph-401").getString("state")));
    assertEquals(1, delivery("fp-graph-401").getInteger("attempts"));
    assertTrue(delivery("fp-graph-401").getString("last_error").contains("HTTP 401"), delivery("fp-graph-401").encode());
    assertEquals(1, postsFor("chat-1:9102").size());
    String reported = iris.api("GET", "/api/v1/teams/graph/sign-in", null).json().getJsonObject("grant").getString("last_send_error");
    assertTrue(reported != null && reported.contains("HTTP 401"), reported);

    fire("fp-graph-after-401", "chat-1:9103", "warning");
    Knowledge.await("the next card goes with a fresh token", 30_000, () -> "sent".equals(delivery("fp-graph-after-401").getString("state")));
  }

  @Test
  @Order(6)
  void aWorkflowsCardMentionsItsMaintainerByUpn() throws Exception {
    fire("fp-workflows-critical", "web-1:9100", "critical");
    Knowledge.await("posted", 30_000, () -> teams.posts().stream().anyMatch(p -> p.raw().contains("web-1:9100")));
    FakeTeams.Post post = teams.posts().stream().filter(p -> p.raw().contains("web-1:9100")).findFirst().orElseThrow();
    assertEquals(List.of(), post.shapeProblems());
    JsonObject entity = post.body().getJsonArray("attachments").getJsonObject(0).getJsonObject("content").getJsonObject("msteams")
        .getJsonArray("entities").getJsonObject(0);
    assertEquals("<at>Kofi Boateng</at>", entity.getString("text"));
    assertEquals("kofi@contoso.example", entity.getJsonObject("mentioned").getString("id"));
  }

  @Test
  @Order(7)
  void aRevokedGrantShowsInReadinessAndDeliveriesWaitForANewSignIn() throws Exception {
    login.revokeAll();
    fire("fp-graph-revoked", "chat-1:9104", "critical");
    // The cached token is refused (401), then its refresh is refused for good (invalid_grant).
    Knowledge.await("401 reported", 30_000, () -> "failed".equals(delivery("fp-graph-revoked").getString("state")));
    fire("fp-graph-revoked-2", "chat-1:9105", "critical");
    Knowledge.await("revoked", 30_000, () -> graphCheck().getBoolean("degraded"));
    JsonObject check = graphCheck();
    assertEquals("revoked", check.getString("state"));
    assertTrue(check.getString("reason").contains("a new sign-in is needed"), check.encode());
    assertTrue(check.getString("reason").contains("AADSTS50173"), check.encode());
    assertEquals(200, iris.http.get("/health/ready", Map.of()).status(), "degraded, not down: the other channels still deliver");
    Knowledge.await("waiting for a sign-in", 30_000, () -> {
      String error = delivery("fp-graph-revoked-2").getString("last_error");
      return error != null && error.contains("sign in again");
    });
    assertEquals("queued", delivery("fp-graph-revoked-2").getString("state"), "retried, so a new sign-in still delivers it");
  }

  @Test
  @Order(0)
  void maintainersTakeAGraphDestinationAMentionSwitchAndAnObjectId() {
    assertEquals(400, iris.api("POST", "/api/v1/maintainers", new JsonObject().put("name", "x").put("graph_team_id", TEAM).encode()).status());
    var both = iris.api("POST", "/api/v1/maintainers", new JsonObject().put("name", "x").put("graph_team_id", TEAM)
        .put("graph_channel_id", CHANNEL).put("graph_chat_id", CHAT).encode());
    assertEquals(400, both.status());
    assertEquals("graph_chat_id", both.json().getString("field"));
    assertEquals("aad_object_id", iris.api("POST", "/api/v1/maintainers", new JsonObject().put("name", "x")
        .put("aad_object_id", "ama").encode()).json().getString("field"));
    assertEquals("mention", iris.api("POST", "/api/v1/maintainers", new JsonObject().put("name", "x")
        .put("mention", "yes").encode()).json().getString("field"));
    assertEquals("graph_chat_id", iris.api("POST", "/api/v1/maintainers", new JsonObject().put("name", "x")
        .put("graph_chat_id", "19:a b/../c").encode()).json().getString("field"));

    JsonObject created = post("/api/v1/maintainers", new JsonObject().put("name", "Efua").put("email", "efua@contoso.example")
        .put("channels", new JsonArray().add("graph").add("email")).put("graph_chat_id", CHAT).put("mention", true)
        .put("aad_object_id", "6F1C916A-3135-4417-BA27-8EB7BD084193"));
    assertEquals(CHAT, created.getString("graph_chat_id"));
    assertTrue(created.getBoolean("mention"));
    assertEquals("6f1c916a-3135-4417-ba27-8eb7bd084193", created.getString("aad_object_id"));
    long id = created.getLong("id");
    JsonObject sameEmail = new JsonObject().put("name", "Efua").put("email", "efua@contoso.example").put("graph_chat_id", CHAT);
    assertEquals("6f1c916a-3135-4417-ba27-8eb7bd084193", iris.api("PUT", "/api/v1/maintainers/" + id, sameEmail.encode()).json()
        .getString("aad_object_id"), "kept while the email stays");
    assertFalse(iris.api("GET", "/api/v1/maintainers/" + id, null).json().getBoolean("mention"), "PUT replaces the switch");
    JsonObject otherEmail = sameEmail.copy().put("email", "efua.owusu@contoso.example");
    assertNull(iris.api("PUT", "/api/v1/maintainers/" + id, otherEmail.encode()).json().getString("aad_object_id"),
        "another email is another user: resolved again");
  }

  @Test
  @Order(8)
  void aSignInEndsExpiredOrDeclinedAndANewOneRestoresTheGrant() throws Exception {
    String expired = iris.api("POST", "/api/v1/teams/graph/sign-in", null).json().getString("user_code");
    login.expire(expired);
    Knowledge.await("expired", 15_000, () -> "expired".equals(signIn().getString("state")));
    assertTrue(signIn().getString("error").contains("expired_token"), signIn().encode());

    String declined = iris.api("POST", "/api/v1/teams/graph/sign-in", null).json().getString("user_code");
    login.decline(declined);
    Knowledge.await("declined", 15_000, () -> "declined".equals(signIn().getString("state")));
    assertEquals("revoked", iris.api("GET", "/api/v1/teams/graph/sign-in", null).json().getJsonObject("grant").getString("state"),
        "a failed sign-in leaves the grant as it was");

    iris.api("POST", "/api/v1/teams/graph/sign-in", null);
    JsonObject latest = iris.api("POST", "/api/v1/teams/graph/sign-in", null).json();
    assertEquals(1, Sql.count(db, "SELECT count(*) FROM graph_sign_ins WHERE state = 'superseded'"), "a newer sign-in replaces a pending one");
    login.approve(latest.getString("user_code"), ACCOUNT);
    Knowledge.await("signed in again", 15_000, () -> !graphCheck().getBoolean("degraded"));
    assertEquals(latest.getLong("id"), signIn().getLong("id"));
    assertEquals("signed_in", signIn().getString("state"));
    JsonObject grant = iris.api("GET", "/api/v1/teams/graph/sign-in", null).json().getJsonObject("grant");
    assertEquals("active", grant.getString("state"));
    assertNull(grant.getString("last_send_error"), "a new grant starts clean");
  }

  @Test
  @Order(9)
  void theSignInIsForAdminsOnly() {
    String key = iris.api("POST", "/api/v1/api-keys", new JsonObject().put("name", "writer").put("scope", "write").encode())
        .json().getString("key");
    assertEquals(403, iris.http.send("POST", "/api/v1/teams/graph/sign-in", null, Map.of("X-API-Key", key)).status());
    assertEquals(403, iris.http.send("GET", "/api/v1/teams/graph/sign-in", null, Map.of("X-API-Key", key)).status());
    assertEquals(401, iris.http.send("GET", "/api/v1/teams/graph/sign-in", null, Map.of()).status());
  }

  @Test
  @Order(10)
  void signingOutForgetsTheGrant() throws Exception {
    assertEquals(204, iris.api("DELETE", "/api/v1/teams/graph/sign-in", null).status());
    assertEquals("none", iris.api("GET", "/api/v1/teams/graph/sign-in", null).json().getJsonObject("grant").getString("state"));
    assertEquals(0, Sql.count(db, "SELECT count(*) FROM graph_grant"));
    assertTrue(graphCheck().getBoolean("degraded"));
    assertTrue(graphCheck().getString("reason").contains("nobody signed in"), graphCheck().encode());
    assertEquals(404, iris.api("DELETE", "/api/v1/teams/graph/sign-in", null).status());
  }

  private static JsonObject signIn() {
    return iris.api("GET", "/api/v1/teams/graph/sign-in", null).json().getJsonObject("sign_in");
  }
}
