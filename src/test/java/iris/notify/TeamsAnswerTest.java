package iris.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TeamsAnswerTest {
  private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

  private static DeliveryFailure answer(int status, String retryAfter, String body) {
    return TeamsAnswer.failure("Ops on-call", status, retryAfter, body, NOW);
  }

  @Test
  void any2xxWithoutComplaintIsDelivered() {
    assertNull(answer(202, null, null));
    assertNull(answer(200, null, ""));
    assertNull(answer(200, null, "1")); // the connector's "ok"
    assertNull(answer(204, null, null));
  }

  @Test
  void aConnectorThatThrottlesIn200IsRetried() {
    DeliveryFailure f = answer(200, null, "Microsoft Teams endpoint returned HTTP error 429 with ContextId tcid=0");
    assertNotNull(f);
    assertTrue(f.retryable());
    assertTrue(f.getMessage().contains("Ops on-call"), f.getMessage());
  }

  @Test
  void a200ReportingAnotherErrorIsClassifiedByThatError() {
    assertFalse(answer(200, null, "Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 413").retryable());
    assertTrue(answer(200, null, "Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 502").retryable());
  }

  @Test
  void throttlingWaitsAsLongAsAsked() {
    DeliveryFailure f = answer(429, "7", "{}");
    assertTrue(f.retryable());
    assertEquals(Duration.ofSeconds(7), f.retryAfter());
    assertEquals(Duration.ofSeconds(90), answer(429, "Tue, 24 Nov 2026 10:01:30 GMT", null).retryAfter());
    assertEquals(Duration.ZERO, answer(429, "Tue, 24 Nov 2026 09:00:00 GMT", null).retryAfter(), "a date already past");
    assertNull(answer(429, "soon", null).retryAfter());
    assertNull(answer(429, null, null).retryAfter());
    assertTrue(answer(429, "soon", null).retryable());
  }

  @Test
  void serverErrorsAndTimeoutsAreRetriedOtherClientErrorsAreNot() {
    assertTrue(answer(500, null, "boom").retryable());
    assertTrue(answer(503, null, null).retryable());
    assertEquals(Duration.ofSeconds(30), answer(503, "30", null).retryAfter());
    assertTrue(answer(408, null, null).retryable());
    for (int status : new int[] {400, 401, 403, 404, 413}) {
      assertFalse(answer(status, null, "no").retryable(), "HTTP " + status);
    }
    assertFalse(answer(302, null, null).retryable());
  }

  @Test
  void aRejectionNamesTheStatusAndAShortExcerpt() {
    String longBody = "{\"error\":{\"code\":\"TriggerInputSchemaMismatch\",\"message\":\"" + "x".repeat(1000) + "\"}}";
    DeliveryFailure f = answer(400, null, longBody);
    assertTrue(f.getMessage().contains("HTTP 400"), f.getMessage());
    assertTrue(f.getMessage().contains("TriggerInputSchemaMismatch"), f.getMessage());
    assertTrue(f.getMessage().length() < 400, "excerpt, not the whole body: " + f.getMessage().length());
  }
}
