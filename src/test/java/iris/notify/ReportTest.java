package iris.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** A report the outbox stores comes back the same, and each channel's row carries only its own part. */
class ReportTest {

  @Test
  void aStoredReportComesBackTheSame() {
    Report report = new Report("Daily digest", new JsonObject().put("type", "message"), "Daily digest", "text", "<p>html</p>");
    assertEquals(report, MessageJson.from(MessageJson.of(report)));
    assertEquals("report", MessageJson.of(report).getString("type"));
    Report teams = (Report) MessageJson.from(MessageJson.of(report.forTeams()));
    assertEquals(report.card(), teams.card());
    assertNull(teams.html());
    Report email = (Report) MessageJson.from(MessageJson.of(report.forEmail()));
    assertNull(email.card());
    assertEquals("<p>html</p>", email.html());
  }
}
