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
import iris.testing.AdaptiveCardShape;
import iris.testing.FakeTeams;
import iris.testing.Ports;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Teams channel against a local Workflows webhook, through a real Vert.x WebClient. */
class TeamsChannelIT {
  /** Generous: a cold JVM's first request on a busy machine can take most of a second. */
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final Duration SHORT_TIMEOUT = Duration.ofMillis(500);
  private static Vertx vertx;
  private static WebClient client;
  private FakeTeams teams;
  private TeamsChannel channel;
  private Recipient ops;

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
  void startTeams() throws Exception {
    teams = new FakeTeams();
    channel = new TeamsChannel(client, TIMEOUT);
    ops = new Recipient("Ops on-call", "ops@example.com", teams.webhookUrl("ops-flow-7f3a"));
  }

  @AfterEach
  void stopTeams() {
    teams.close();
  }

  @Test
  void aDeliveredCardIsOnePostOfTheRightShapeToTheFlowsPath() throws Exception {
    assertNull(failure(channel.send(AdaptiveCardTest.firing("critical", 3), ops)));
    assertEquals(1, teams.posts().size());
    FakeTeams.Post post = teams.posts().get(0);
    assertEquals("/workflows/ops-flow-7f3a/triggers/manual/paths/invoke", post.path());
    assertEquals("api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=" + FakeTeams.SIGNATURE, post.rawQuery(),
        "the signed query must arrive byte for byte");
    assertTrue(post.contentType().startsWith("application/json"), post.contentType());
    assertEquals(List.of(), post.shapeProblems());
    AdaptiveCardShape.assertValid(post.body());
    assertEquals(AdaptiveCard.message(AdaptiveCardTest.firing("critical", 3)), post.body());
  }

  @Test
  void throttlingIsRetryableAfterTheWaitTeamsAskedFor() throws Exception {
    teams.throttle(1, "7");
    DeliveryFailure f = failure(channel.send(AdaptiveCardTest.firing("critical", 1), ops));
    assertTrue(f.retryable(), f.getMessage());
    assertEquals(Duration.ofSeconds(7), f.retryAfter());
    assertTrue(f.getMessage().contains("429"), f.getMessage());
    assertNoSecret(f);
    assertNull(failure(channel.send(AdaptiveCardTest.firing("critical", 1), ops)), "the next try goes through");
    assertEquals(2, teams.posts().size());
  }

  @Test
  void throttlingReportedInA200BodyIsRetryable() throws Exception {
    teams.throttleInBody(1);
    DeliveryFailure f = failure(channel.send(AdaptiveCardTest.firing("warning", 1), ops));
    assertTrue(f.retryable(), f.getMessage());
    assertNoSecret(f);
  }

  @Test
  void aServerErrorIsRetryable() throws Exception {
    teams.answer(1, 500, "{\"error\":{\"code\":\"InternalServerError\"}}");
    DeliveryFailure f = failure(channel.send(AdaptiveCardTest.firing("critical", 1), ops));
    assertTrue(f.retryable(), f.getMessage());
    assertTrue(f.getMessage().contains("500"), f.getMessage());
    assertNoSecret(f);
  }

  @Test
  void aBadRequestIsPermanentAndSaysWhy() throws Exception {
    teams.answer(1, 400, "{\"error\":{\"code\":\"TriggerInputSchemaMismatch\",\"message\":\"did not match its schema\"}}");
    DeliveryFailure f = failure(channel.send(AdaptiveCardTest.firing("critical", 1), ops));
    assertFalse(f.retryable(), f.getMessage());
    assertTrue(f.getMessage().contains("400"), f.getMessage());
    assertTrue(f.getMessage().contains("TriggerInputSchemaMismatch"), f.getMessage());
    assertTrue(f.getMessage().contains("Ops on-call"), f.getMessage());
    assertNoSecret(f);
  }

  @Test
  void anErrorThatEchoesTheRequestDoesNotLeakTheSignature() throws Exception {
    teams.answer(1, 404, "Cannot {request}");
    DeliveryFailure f = failure(channel.send(AdaptiveCardTest.firing("critical", 1), ops));
    assertFalse(f.retryable(), f.getMessage());
    assertTrue(f.getMessage().contains("HTTP 404: Cannot POST"), f.getMessage());
    assertNoSecret(f);
  }

  @Test
  void aFlowThatNeverAnswersIsRetryableOnceTheTimeoutPasses() throws Exception {
    teams.hang(1);
    TeamsChannel impatient = new TeamsChannel(client, SHORT_TIMEOUT);
    long start = System.nanoTime();
    DeliveryFailure f = failure(impatient.send(AdaptiveCardTest.firing("critical", 1), ops));
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(f.retryable(), f.getMessage());
    assertTrue(millis >= 450 && millis < 4000, "gave up after " + millis + " ms");
    assertTrue(f.getMessage().contains("500 ms"), f.getMessage());
    assertNoSecret(f);
  }

  @Test
  void aWebhookNobodyListensOnIsRetryable() throws Exception {
    String closed = teams.webhookUrl("gone").replaceFirst(":\\d+/", ":" + Ports.free() + "/");
    DeliveryFailure f = failure(channel.send(AdaptiveCardTest.firing("critical", 1), new Recipient("Ops on-call", null, closed)));
    assertTrue(f.retryable(), f.getMessage());
    assertNoSecret(f);
  }

  @Test
  void onlyRecipientsWithAWebhookAreReached() throws Exception {
    assertTrue(channel.reaches(ops));
    assertFalse(channel.reaches(new Recipient("Mail only", "m@example.com", null)));
    assertFalse(channel.reaches(new Recipient("Blank", null, "  ")));
    assertEquals("teams", channel.name());
    DeliveryFailure f = failure(channel.send(AdaptiveCardTest.firing("critical", 1), new Recipient("Mail only", "m@example.com", null)));
    assertFalse(f.retryable());
    assertTrue(teams.posts().isEmpty());
  }

  @Test
  void aWebhookThatIsNotAWebUrlFailsWithoutLeakingIt() throws Exception {
    Recipient odd = new Recipient("Odd", null, "ftp://files.example.com/hook?sig=" + FakeTeams.SIGNATURE);
    DeliveryFailure f = failure(channel.send(AdaptiveCardTest.firing("critical", 1), odd));
    assertFalse(f.retryable());
    assertNoSecret(f);
  }

  private static void assertNoSecret(DeliveryFailure f) {
    assertFalse(f.getMessage().contains(FakeTeams.SIGNATURE), f.getMessage());
    assertFalse(f.getMessage().contains("/workflows/"), f.getMessage());
    assertFalse(f.getMessage().contains("sig="), f.getMessage());
  }

  /** Null when the send succeeded, else its DeliveryFailure. */
  private static DeliveryFailure failure(Future<Void> send) throws Exception {
    try {
      send.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException e) {
      return assertInstanceOf(DeliveryFailure.class, e.getCause());
    } catch (TimeoutException e) {
      return fail("the send never completed");
    }
  }
}
