package iris.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import iris.testing.FakeEmailGateway;
import iris.testing.Ports;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The HTTP email gateway channel against a local gateway that records what it is sent. */
class EmailGatewayChannelIT {
  private static final String API_KEY = "gw-key-5b9e2d7c41f08a63";
  private static final String FROM = "Iris <iris@example.com>";
  private static final Instant NOW = Instant.parse("2026-11-24T03:12:00Z");
  private static final Recipient ALICE = new Recipient("Alice", " alice@example.com ", null);

  private static Vertx vertx;
  private static WebClient client;
  private FakeEmailGateway gateway;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
    client = WebClient.create(vertx);
  }

  @AfterAll
  static void stopVertx() throws Exception {
    client.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void startGateway() throws Exception {
    gateway = new FakeEmailGateway(API_KEY);
  }

  @AfterEach
  void stopGateway() {
    gateway.close();
  }

  private EmailGatewayChannel channel(String url, String apiKey, Duration timeout) {
    return new EmailGatewayChannel(client, new EmailGatewaySettings(url, apiKey, FROM, timeout), EmailSamples.renderer(),
        Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private EmailGatewayChannel channel() {
    return channel(gateway.url(), API_KEY, Duration.ofSeconds(5));
  }

  /** The failure of a send, checked for what every failure must hold: a DeliveryFailure without the key. */
  private static DeliveryFailure failureOf(Future<Void> sent) {
    try {
      sent.await(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      DeliveryFailure failure = assertInstanceOf(DeliveryFailure.class, e, "a failed send carries a DeliveryFailure");
      assertFalse(failure.getMessage().contains(API_KEY), "the API key leaked: " + failure.getMessage());
      return failure;
    }
    throw new AssertionError("the send succeeded");
  }

  @Test
  void reachesOnlyRecipientsWithAnAddress() {
    assertEquals("email", channel().name());
    assertTrue(channel().reaches(ALICE));
    assertFalse(channel().reaches(new Recipient("Bob", "", "https://teams.example.com/hook")));
    assertFalse(channel().reaches(new Recipient("Bob", null, null)));
  }

  @Test
  void postsTheRenderedEmailAsJsonWithTheBearerKey() throws Exception {
    channel().send(EmailSamples.firing(), ALICE).await(15, TimeUnit.SECONDS);

    assertEquals(1, gateway.requests().size());
    FakeEmailGateway.Request request = gateway.requests().get(0);
    assertEquals("POST", request.method());
    assertEquals("/v1/send", request.path());
    assertEquals("Bearer " + API_KEY, request.authorization());
    assertTrue(request.contentType().startsWith("application/json"), request.contentType());
    EmailRenderer.Email email = EmailSamples.renderer().render(EmailSamples.firing());
    JsonObject expected = new JsonObject()
        .put("from", FROM)
        .put("to", new JsonArray().add("alice@example.com"))
        .put("subject", "[FIRING critical] HostOutOfMemory on node-1:9100 (3 alerts)")
        .put("text", email.text())
        .put("html", email.html());
    assertEquals(expected, request.body());
  }

  @Test
  void tooManyRequestsIsRetriedAfterTheSecondsAsked() {
    gateway.answerNext(429, Map.of("Retry-After", "30"), "{\"error\":\"rate limited\"}");
    DeliveryFailure failure = failureOf(channel().send(EmailSamples.firing(), ALICE));
    assertTrue(failure.retryable());
    assertEquals(Duration.ofSeconds(30), failure.retryAfter());
    assertTrue(failure.getMessage().contains("429") && failure.getMessage().contains("rate limited"), failure.getMessage());
  }

  @Test
  void aRetryAfterDateIsCountedFromTheClock() {
    gateway.answerNext(429, Map.of("Retry-After", "Tue, 24 Nov 2026 03:14:30 GMT"), "");
    assertEquals(Duration.ofSeconds(150), failureOf(channel().send(EmailSamples.firing(), ALICE)).retryAfter());
  }

  @ParameterizedTest
  @ValueSource(ints = {500, 502, 503})
  void serverErrorsAreRetryable(int status) {
    gateway.answerNext(status, Map.of(), "{\"error\":\"upstream unavailable\"}");
    DeliveryFailure failure = failureOf(channel().send(EmailSamples.firing(), ALICE));
    assertTrue(failure.retryable(), failure.getMessage());
    assertNull(failure.retryAfter());
    assertTrue(failure.getMessage().contains(Integer.toString(status)), failure.getMessage());
  }

  @Test
  void aServiceUnavailableWithRetryAfterKeepsIt() {
    gateway.answerNext(503, Map.of("Retry-After", "120"), "");
    assertEquals(Duration.ofSeconds(120), failureOf(channel().send(EmailSamples.firing(), ALICE)).retryAfter());
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 403, 404, 413, 422})
  void otherClientErrorsArePermanent(int status) {
    gateway.answerNext(status, Map.of(), "{\"error\":\"no\"}");
    DeliveryFailure failure = failureOf(channel().send(EmailSamples.firing(), ALICE));
    assertFalse(failure.retryable(), failure.getMessage());
    assertTrue(failure.getMessage().contains(Integer.toString(status)), failure.getMessage());
  }

  /** The fake echoes the Authorization header it got in its 401 body; the failure must not repeat it. */
  @Test
  void aWrongKeyIsPermanentAndNeitherKeyAppearsInTheFailure() {
    String wrongKey = "gw-key-wrong-0000111122223333";
    DeliveryFailure failure = failureOf(channel(gateway.url(), wrongKey, Duration.ofSeconds(5)).send(EmailSamples.firing(), ALICE));
    assertFalse(failure.retryable());
    assertTrue(failure.getMessage().contains("401"), failure.getMessage());
    assertTrue(failure.getMessage().contains("invalid credentials"), "the gateway's reason is kept: " + failure.getMessage());
    assertFalse(failure.getMessage().contains(wrongKey), failure.getMessage());
    assertEquals("Bearer " + wrongKey, gateway.requests().get(0).authorization());
  }

  @Test
  void aGatewayThatIsDownIsRetryable() {
    DeliveryFailure failure = failureOf(channel("http://127.0.0.1:" + Ports.free() + "/v1/send", API_KEY, Duration.ofSeconds(5))
        .send(EmailSamples.firing(), ALICE));
    assertTrue(failure.retryable(), failure.getMessage());
    assertNull(failure.retryAfter());
  }

  @Test
  void aGatewayThatNeverAnswersTimesOutRetryably() {
    gateway.hangNext();
    long start = System.nanoTime();
    DeliveryFailure failure = failureOf(channel(gateway.url(), API_KEY, Duration.ofSeconds(1)).send(EmailSamples.firing(), ALICE));
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(failure.retryable(), failure.getMessage());
    assertTrue(millis < 5_000, "gave up after the timeout (1 s), not " + millis + " ms");
  }

  @Test
  void theSettingsNeverShowTheKey() {
    EmailGatewaySettings settings = new EmailGatewaySettings(gateway.url(), API_KEY, FROM, Duration.ofSeconds(5));
    assertFalse(settings.toString().contains(API_KEY), settings.toString());
  }
}
