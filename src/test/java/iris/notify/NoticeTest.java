package iris.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import iris.Templates;
import iris.testing.AdaptiveCardShape;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NoticeTest {
  private static final JsonObject FAILED = new JsonObject().put("job_id", 7).put("kind", "enroll").put("state", "failed")
      .put("hostname", "db-<1>").put("target", "10.0.0.9:22").put("error", "install: apt said <no>");

  @Test
  void failedEnrollmentCardIsAValidAttentionCard() {
    JsonObject card = AdaptiveCard.notice(EnrollmentNotices.notice(FAILED));
    AdaptiveCardShape.assertValid(card);
    String text = card.encode();
    assertTrue(text.contains("Enrollment of db-<1> failed") || text.contains("Enrollment of db-\\u003c1\\u003e failed"), text);
    assertTrue(text.contains("Attention"), text);
    assertTrue(text.contains("/api/v1/hosts/enrollments/7"), text);
  }

  @Test
  void noticeEmailEscapesHtmlAndSaysTheSameInText() {
    EmailRenderer.Email email = new EmailRenderer(new Templates(Path.of("templates")))
        .renderNotice(EnrollmentNotices.notice(FAILED)).toCompletionStage().toCompletableFuture().join();
    assertEquals("[FAILED] Enrollment of db-<1> failed", email.subject());
    assertTrue(email.text().contains("Iris stopped at this step: install: apt said <no>"), email.text());
    assertTrue(email.html().contains("apt said &lt;no&gt;"), email.html());
    assertFalse(email.html().contains("<no>"), email.html());
    JsonObject ok = FAILED.copy().put("state", "succeeded").put("hostname", "web-1");
    assertTrue(new EmailRenderer(new Templates(Path.of("templates"))).renderNotice(EnrollmentNotices.notice(ok))
        .toCompletionStage().toCompletableFuture().join().subject().startsWith("[OK] Enrollment of web-1 succeeded"));
  }
}
