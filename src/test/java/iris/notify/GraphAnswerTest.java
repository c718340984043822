package iris.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What each of Graph's answers to a chatMessage post means: delivered, worth another try (and when), or failed for good. */
class GraphAnswerTest {
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

  private static DeliveryFailure answer(int status, String retryAfter, String body) {
    return GraphAnswer.failure("Ama Mensah", "iris@contoso.example", status, retryAfter, body, NOW);
  }

  private static String error(String code, String message) {
    return "{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message + "\",\"innerError\":{\"request-id\":\"9a1\"}}}";
  }

  @Test
  void createdIsDelivered() {
    assertNull(answer(201, null, "{\"id\":\"1616990032035\",\"messageType\":\"message\"}"));
    assertNull(answer(200, null, null));
  }

  @Test
  void throttlingIsRetriedAfterTheWaitGraphAskedFor() {
    DeliveryFailure f = answer(429, "7", error("TooManyRequests", "Too many requests"));
    assertTrue(f.retryable());
    assertEquals(Duration.ofSeconds(7), f.retryAfter());
    assertTrue(f.getMessage().contains("HTTP 429, retry after 7 s"), f.getMessage());
    assertTrue(f.getMessage().contains("TooManyRequests: Too many requests"), f.getMessage());
    assertEquals(Duration.ofSeconds(30), answer(429, "Tue, 01 Dec 2026 10:00:30 GMT", null).retryAfter(), "an HTTP-date too");
    assertNull(answer(429, null, null).retryAfter(), "without the header the backoff decides");
  }

  @Test
  void serverErrorsAndTimeoutsAreRetried() {
    assertTrue(answer(500, null, error("InternalServerError", "")).retryable());
    DeliveryFailure unavailable = answer(503, "5", error("ServiceUnavailable", "Service is busy"));
    assertTrue(unavailable.retryable());
    assertEquals(Duration.ofSeconds(5), unavailable.retryAfter());
    assertTrue(answer(504, null, null).retryable());
    assertTrue(answer(408, null, null).retryable());
  }

  @Test
  void aRefusedTokenIsNotRetriedAndPointsAtTheSignIn() {
    DeliveryFailure f = answer(401, null, error("InvalidAuthenticationToken", "Access token has expired or is not yet valid."));
    assertFalse(f.retryable());
    assertTrue(f.getMessage().contains("HTTP 401: InvalidAuthenticationToken: Access token has expired"), f.getMessage());
    assertTrue(f.getMessage().contains("iris@contoso.example"), f.getMessage());
    assertTrue(f.getMessage().contains("/api/v1/teams/graph/sign-in"), f.getMessage());
  }

  @Test
  void forbiddenIsNotRetriedAndSaysWhatTheAccountNeeds() {
    DeliveryFailure f = answer(403, null, error("Forbidden", "Message POST is allowed in application-only context only for import purposes."));
    assertFalse(f.retryable());
    assertTrue(f.getMessage().contains("HTTP 403"), f.getMessage());
    assertTrue(f.getMessage().contains("application-only context"), f.getMessage());
    assertTrue(f.getMessage().contains("member of the team or chat"), f.getMessage());
  }

  @Test
  void otherClientErrorsFailTheSameWayAgain() {
    assertFalse(answer(404, null, error("NotFound", "Resource not found")).retryable());
    DeliveryFailure tooBig = answer(413, null, error("MessageSizeTooBig", "Message size too large."));
    assertFalse(tooBig.retryable());
    assertTrue(tooBig.getMessage().contains("size limit"), tooBig.getMessage());
    assertFalse(answer(400, null, error("BadRequest", "Invalid bound property")).retryable());
  }

  @Test
  void anUnreadableOrLongBodyIsShownAsAnExcerpt() {
    assertTrue(answer(502, null, "<html>Bad Gateway</html>").getMessage().endsWith(": <html>Bad Gateway</html>"));
    String longBody = "x".repeat(1000);
    assertTrue(answer(400, null, longBody).getMessage().length() < 500);
    assertEquals("", GraphAnswer.detail(null));
  }
}
