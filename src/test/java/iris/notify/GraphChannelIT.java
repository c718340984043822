package iris.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import iris.IrisConfig;
import iris.testing.FakeEntraId;
import iris.testing.FakeGraph;
import iris.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The identity platform's client and the Graph channel through a real Vert.x WebClient, against
 * local servers speaking the device-code, token, users and chatMessage endpoints.
 */
class GraphChannelIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final String CHAT = "19:2da4c29f6d7041eca70b638b43d45437@thread.v2";
  private static Vertx vertx;
  private static WebClient client;
  private FakeEntraId login;
  private FakeGraph graph;
  private IrisConfig.Graph config;
  private GraphLogin platform;
  private MutableClock clock;
  private MemoryGrants grants;
  private GraphChannel channel;
  private final List<String> refusals = new ArrayList<>();
  private final List<String> kept = new ArrayList<>();

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
    client = WebClient.create(vertx);
  }

  @AfterAll
  static void stopVertx() throws Exception {
    client.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void start() throws Exception {
    login = new FakeEntraId();
    graph = new FakeGraph(login::accountOf);
    config = new IrisConfig.Graph(FakeEntraId.TENANT, FakeEntraId.CLIENT_ID, "", login.url(), graph.url(),
        "offline_access openid profile ChannelMessage.Send ChatMessage.Send User.ReadBasic.All", 1, Duration.ofMinutes(5), "", "", "");
    platform = new GraphLogin(client, config, TIMEOUT);
    clock = new MutableClock(Instant.now());
    grants = new MemoryGrants();
    channel = new GraphChannel(client, config, new GraphTokens(grants, platform, clock, Duration.ofMinutes(5)),
        error -> {
          refusals.add(error);
          return Future.succeededFuture();
        },
        (name, email, id) -> {
          kept.add(name + "=" + id);
          return Future.succeededFuture();
        }, TIMEOUT, clock);
  }

  @AfterEach
  void stop() {
    graph.close();
    login.close();
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Signs in through the device-code flow, as Iris's sign-in does, and stores the grant. */
  private GraphLogin.TokenAnswer signIn() throws Exception {
    GraphLogin.DeviceCode code = await(platform.deviceCode());
    login.approve(code.userCode(), "iris@contoso.example");
    GraphLogin.TokenAnswer tokens = await(platform.poll(code.deviceCode()));
    grants.grant = new GraphGrant(true, tokens.account(), tokens.refreshToken(), tokens.accessToken(),
        clock.instant().plus(tokens.expiresIn()), 1, null);
    return tokens;
  }

  private static Recipient chat(String name, String email, boolean mention) {
    return new Recipient(name, email, null, null, null, CHAT, mention, null);
  }

  private static DeliveryFailure failure(Future<Void> send) throws Exception {
    try {
      send.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException e) {
      return assertInstanceOf(DeliveryFailure.class, e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      return fail("the send never completed");
    }
  }

  @Test
  void theDeviceCodeFlowAndTheRefreshSpeakThePlatformsForms() throws Exception {
    GraphLogin.DeviceCode code = await(platform.deviceCode());
    assertEquals(Duration.ofSeconds(900), code.expiresIn());
    assertEquals(Duration.ofSeconds(1), code.interval());
    assertTrue(code.message().contains(code.userCode()));
    GraphLogin.TokenAnswer pending = await(platform.poll(code.deviceCode()));
    assertFalse(pending.ok());
    assertEquals("authorization_pending", pending.error());
    assertTrue(pending.describe().startsWith("authorization_pending: AADSTS70016"), pending.describe());

    login.approve(code.userCode(), "iris@contoso.example");
    GraphLogin.TokenAnswer tokens = await(platform.poll(code.deviceCode()));
    assertTrue(tokens.ok());
    assertEquals("iris@contoso.example", tokens.account(), "read from the ID token");
    assertEquals(Duration.ofHours(1), tokens.expiresIn());
    FakeEntraId.Request poll = login.requests().get(login.requests().size() - 1);
    assertEquals(GraphLogin.DEVICE_CODE_GRANT, poll.form().get("grant_type"));
    assertEquals(FakeEntraId.CLIENT_ID, poll.form().get("client_id"));
    assertEquals(code.deviceCode(), poll.form().get("device_code"));
    assertNull(poll.form().get("client_secret"), "a public client sends no secret");

    GraphLogin.TokenAnswer refreshed = await(platform.refresh(tokens.refreshToken()));
    assertTrue(refreshed.ok());
    assertFalse(refreshed.refreshToken().equals(tokens.refreshToken()), "refresh tokens rotate");
    assertEquals(1, login.tokenRequests("refresh_token"));

    login.revokeAll();
    GraphLogin.TokenAnswer revoked = await(platform.refresh(refreshed.refreshToken()));
    assertTrue(revoked.needsSignIn());
    assertTrue(revoked.describe().contains("AADSTS50173"), revoked.describe());
    assertFalse(revoked.describe().contains("Trace ID"), "one line of the description");
  }

  @Test
  void anExpiredCodeAndAnUnknownAppAreNamed() throws Exception {
    GraphLogin.DeviceCode code = await(platform.deviceCode());
    login.expire(code.userCode());
    assertEquals("expired_token", await(platform.poll(code.deviceCode())).error());
    GraphLogin stranger = new GraphLogin(client, new IrisConfig.Graph(FakeEntraId.TENANT, "not-this-app", "", login.url(), graph.url(),
        "offline_access", 1, Duration.ofMinutes(5), "", "", ""), TIMEOUT);
    ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> await(stranger.deviceCode()));
    assertTrue(refused.getCause().getMessage().contains("unauthorized_client"), refused.getCause().getMessage());
  }

  @Test
  void aTokenCloseToItsExpiryIsRefreshedBeforeThePost() throws Exception {
    GraphLogin.TokenAnswer tokens = signIn();
    assertNull(failure(channel.send(AdaptiveCardTest.firing("warning", 1), chat("Bo", null, false))));
    assertEquals("Bearer " + tokens.accessToken(), graph.posts().get(0).authorization());
    assertEquals(0, login.tokenRequests("refresh_token"));

    clock.advance(Duration.ofMinutes(56)); // 4 minutes left: under the 5-minute margin
    assertNull(failure(channel.send(AdaptiveCardTest.firing("warning", 1), chat("Bo", null, false))));
    assertEquals(1, login.tokenRequests("refresh_token"));
    String used = graph.posts().get(1).authorization().substring("Bearer ".length());
    assertFalse(used.equals(tokens.accessToken()), "the post went with the new token");
    assertEquals(used, grants.grant.accessToken(), "and the new token is stored for the other nodes");
  }

  @Test
  void aHugeCardIsShortenedUntilGraphTakesIt() throws Exception {
    signIn();
    String text = "word_[x] ".repeat(3000);
    List<Notification.AlertLine> alerts = IntStream.range(0, 500)
        .mapToObj(i -> new Notification.AlertLine("A".repeat(200), "node-" + i, "critical", Instant.now())).toList();
    Notification n = new Notification(7, "firing", "critical", text, text, text, List.of(text, text, text), alerts, List.of(),
        "llm", null);
    assertNull(failure(channel.send(n, chat("Bo", null, false))));
    FakeGraph.Post post = graph.posts().get(0);
    assertEquals(List.of(), post.problems());
    assertTrue(post.raw().getBytes(StandardCharsets.UTF_8).length <= AdaptiveCard.MAX_MESSAGE_BYTES, "under Graph's 28 KB");
  }

  @Test
  void overTheSizeLimitGraphAnswers413AndTheMessageFailsForGood() throws Exception {
    signIn();
    graph.answer(1, 413, "MessageSizeTooBig", "Message size too large.");
    DeliveryFailure f = failure(channel.send(AdaptiveCardTest.firing("critical", 2), chat("Bo", null, false)));
    assertFalse(f.retryable());
    assertTrue(f.getMessage().contains("size limit"), f.getMessage());
  }

  @Test
  void serverErrorsAndAnUnreachableGraphAreRetryable() throws Exception {
    signIn();
    graph.answer(1, 503, "ServiceUnavailable", "The service is temporarily unavailable.");
    assertTrue(failure(channel.send(AdaptiveCardTest.firing("critical", 1), chat("Bo", null, false))).retryable());
    graph.close();
    DeliveryFailure gone = failure(channel.send(AdaptiveCardTest.firing("critical", 1), chat("Bo", null, false)));
    assertTrue(gone.retryable(), gone.getMessage());
    assertTrue(gone.getMessage().contains("Graph unreachable for Bo"), gone.getMessage());
  }

  @Test
  void aRefusedTokenIsReportedAndTheNextSendTakesAFreshOne() throws Exception {
    GraphLogin.TokenAnswer tokens = signIn();
    graph.answer(1, 401, "InvalidAuthenticationToken", "Access token has expired or is not yet valid.");
    DeliveryFailure f = failure(channel.send(AdaptiveCardTest.firing("critical", 1), chat("Bo", null, false)));
    assertFalse(f.retryable());
    assertEquals(1, refusals.size());
    assertTrue(refusals.get(0).contains("HTTP 401"), refusals.get(0));
    assertNull(failure(channel.send(AdaptiveCardTest.firing("critical", 1), chat("Bo", null, false))));
    assertFalse(graph.posts().get(1).authorization().endsWith(tokens.accessToken()), "not the refused token again");
  }

  @Test
  void aUserGraphCannotFindGetsTheCardWithoutAMention() throws Exception {
    signIn();
    assertNull(failure(channel.send(AdaptiveCardTest.firing("critical", 1), chat("Nana", "nana@contoso.example", true))));
    assertEquals(List.of("nana@contoso.example"), graph.userLookups());
    FakeGraph.Post post = graph.posts().get(0);
    assertEquals(List.of(), post.problems());
    assertNull(post.card().getJsonObject("msteams").getValue("entities"));
    assertEquals(List.of(), kept);
  }

  @Test
  void aFoundUserIsMentionedAndTheirIdKept() throws Exception {
    signIn();
    graph.user("Ama.Mensah@contoso.example", "ef1c916a-3135-4417-ba27-8eb7bd084193", "Ama Mensah");
    assertNull(failure(channel.send(AdaptiveCardTest.firing("critical", 1), chat("Ama Mensah", "ama.mensah@contoso.example", true))));
    assertEquals(List.of("Ama Mensah=ef1c916a-3135-4417-ba27-8eb7bd084193"), kept);
    assertEquals("ef1c916a-3135-4417-ba27-8eb7bd084193", graph.posts().get(0).card().getJsonObject("msteams").getJsonArray("entities")
        .getJsonObject(0).getJsonObject("mentioned").getString("id"));
  }

  @Test
  void withoutAGrantTheDeliveryWaitsAMinuteForASignIn() throws Exception {
    DeliveryFailure f = failure(channel.send(AdaptiveCardTest.firing("critical", 1), chat("Bo", null, false)));
    assertTrue(f.retryable());
    assertEquals(GraphChannel.SIGN_IN_WAIT, f.retryAfter());
    assertTrue(f.getMessage().contains("POST /api/v1/teams/graph/sign-in"), f.getMessage());
    assertTrue(graph.posts().isEmpty());
  }
}
