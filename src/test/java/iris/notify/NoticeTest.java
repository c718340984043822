package iris.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import iris.Templates;
import iris.enroll.EnrollmentFinished;
import iris.testing.AdaptiveCardShape;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class NoticeTest {
  private static final EnrollmentFinished FAILED = new EnrollmentFinished(7, "enroll", "failed", null, "db-<1>", "10.0.0.9:22",
      "install: apt said <no>", List.of());

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
    EnrollmentFinished ok = new EnrollmentFinished(7, "enroll", "succeeded", null, "web-1", "10.0.0.9:22", null, List.of());
    assertTrue(new EmailRenderer(new Templates(Path.of("templates"))).renderNotice(EnrollmentNotices.notice(ok))
        .toCompletionStage().toCompletableFuture().join().subject().startsWith("[OK] Enrollment of web-1 succeeded"));
  }
}
