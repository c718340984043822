package iris.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.testing.AdaptiveCardShape;
import iris.testing.FakeTeams;
import iris.testing.Knowledge;
import iris.testing.Payloads;
import iris.testing.Ports;
import iris.testing.Sql;
import iris.testing.TestIris;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
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
 * Webhook in, enrichment, then a Teams card (to a local Workflows-webhook server) and an email
 * (through GreenMail, a real SMTP server) out, for an owned host; silence for a host under
 * maintenance; a resolved message when the group resolves.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NotificationE2EIT {
  private static final Instant T0 = Instant.parse("2026-11-22T09:00:00Z");
  private static GreenMail smtp;
  private static FakeTeams teams;
  private static TestIris iris;
  private static String db;

  @BeforeAll
  static void start() throws Exception {
    smtp = new GreenMail(new ServerSetup(Ports.free(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
    teams = new FakeTeams();
    iris = TestIris.start(Map.of("IRIS_EMAIL_TRANSPORT", "smtp", "IRIS_EMAIL_SMTP_HOST", "127.0.0.1",
        "IRIS_EMAIL_SMTP_PORT", String.valueOf(smtp.getSmtp().getPort()), "IRIS_EMAIL_SMTP_STARTTLS", "none",
        "IRIS_EMAIL_FROM", "iris@example.org", "IRIS_NOTIFY_RETRY_BASE_SECONDS", "1"));
    db = iris.env.get("IRIS_DB_URL");
    Knowledge.importRunbooks(iris, "HostOutOfMemory", "HostOutOfDiskSpace");
    post("/api/v1/maintainers", new JsonObject().put("name", "alice").put("email", "alice@example.org")
        .put("teams_webhook_url", teams.webhookUrl("alice")));
    post("/api/v1/services", new JsonObject().put("name", "billing").put("maintainers", new JsonArray().add("alice")));
    post("/api/v1/hosts", new JsonObject().put("hostname", "node-1").put("services", new JsonArray().add("billing")));
    long node2 = post("/api/v1/hosts", new JsonObject().put("hostname", "node-2").put("services", new JsonArray().add("billing")))
        .getLong("id");
    post("/api/v1/hosts/" + node2 + "/tags", new JsonObject().put("type", "under_maintenance").put("reason", "disk swap"));
  }

  @AfterAll
  static void stop() throws Exception {
    iris.close();
    teams.close();
    smtp.stop();
  }

  private static JsonObject post(String path, JsonObject body) {
    var r = iris.api("POST", path, body.encode());
    assertEquals(201, r.status(), r.body());
    return r.json();
  }

  private static long incident(String fingerprint) {
    return ((Number) Sql.rows(db, "SELECT id FROM incidents WHERE fingerprint = ?", fingerprint).get(0).get("id")).longValue();
  }

  private static String state(long id) {
    return (String) Sql.rows(db, "SELECT pipeline_state FROM incidents WHERE id = ?", id).get(0).get("pipeline_state");
  }

  @Test
  @Order(1)
  void anOwnedHostsAlertBecomesOneCardAndOneEmail() throws Exception {
    iris.webhook(Payloads.webhook("{}:{alertname=\"HostOutOfMemory\"}",
        Payloads.firing("fp-n1", "HostOutOfMemory", "node-1:9100", T0)).encode());
    long id = incident("fp-n1");
    Knowledge.await("the card and the email", 30_000, () -> teams.posts().size() == 1 && smtp.getReceivedMessages().length == 1);
    Knowledge.await("notified", 10_000, () -> "notified".equals(state(id)));

    FakeTeams.Post card = teams.posts().get(0);
    assertTrue(card.path().contains("/workflows/alice/"), card.path());
    AdaptiveCardShape.assertValid(card.body());
    String text = card.raw();
    assertTrue(text.contains("HostOutOfMemory") && text.contains("node-1:9100"), text);
    assertTrue(text.contains("Attention"), "a firing critical alert is coloured Attention");

    MimeMessage mail = smtp.getReceivedMessages()[0];
    assertEquals("alice@example.org", mail.getAllRecipients()[0].toString());
    assertTrue(mail.getSubject().contains("HostOutOfMemory"), mail.getSubject());
    MimeMultipart parts = (MimeMultipart) mail.getContent();
    assertEquals(2, parts.getCount());
    assertTrue(parts.getBodyPart(0).isMimeType("text/plain") && parts.getBodyPart(1).isMimeType("text/html"));

    JsonObject incident = iris.api("GET", "/api/v1/incidents/" + id, null).json();
    JsonArray deliveries = incident.getJsonArray("deliveries");
    assertEquals(2, deliveries.size(), deliveries.encode());
    assertTrue(deliveries.stream().allMatch(d -> "sent".equals(((JsonObject) d).getString("state"))));
    assertEquals(List.of("email", "teams"), deliveries.stream().map(d -> ((JsonObject) d).getString("channel")).sorted().toList());
  }

  @Test
  @Order(2)
  void aHostUnderMaintenanceStaysSilentButKeepsTheIncident() throws Exception {
    int cards = teams.posts().size();
    iris.webhook(Payloads.webhook("{}:{alertname=\"HostOutOfDiskSpace\"}",
        Payloads.firing("fp-n2", "HostOutOfDiskSpace", "node-2:9100", T0)).encode());
    long id = incident("fp-n2");
    Knowledge.await("suppressed", 30_000, () -> "suppressed".equals(state(id)));
    JsonObject incident = iris.api("GET", "/api/v1/incidents/" + id, null).json();
    assertTrue(incident.getString("pipeline_reason").contains("under_maintenance"), incident.getString("pipeline_reason"));
    assertTrue(incident.getString("pipeline_reason").contains("disk swap"));
    Thread.sleep(500);
    assertEquals(cards, teams.posts().size());
    assertEquals(0, incident.getJsonArray("deliveries").size());
  }

  @Test
  @Order(3)
  void aResolvedGroupGetsAShortResolvedMessageAndRepeatsSendNothing() throws Exception {
    int cards = teams.posts().size();
    int mails = smtp.getReceivedMessages().length;
    iris.webhook(Payloads.webhook("{}:{alertname=\"HostOutOfMemory\"}",
        Payloads.firing("fp-n1", "HostOutOfMemory", "node-1:9100", T0)).encode());  // a repeat
    iris.webhook(Payloads.webhook("{}:{alertname=\"HostOutOfMemory\"}",
        Payloads.resolved("fp-n1", "HostOutOfMemory", "node-1:9100", T0, T0.plusSeconds(4320))).encode());
    Knowledge.await("the resolved card and email", 30_000,
        () -> teams.posts().size() == cards + 1 && smtp.getReceivedMessages().length == mails + 1);
    String resolved = teams.posts().get(cards).raw();
    assertTrue(resolved.contains("Resolved") && resolved.contains("Good"), resolved);
    assertTrue(resolved.contains("1 h 12 min"), "the duration: " + resolved);
    assertTrue(smtp.getReceivedMessages()[mails].getSubject().contains("RESOLVED"), smtp.getReceivedMessages()[mails].getSubject());
    Thread.sleep(1500);
    assertEquals(cards + 1, teams.posts().size(), "the repeat firing webhook sent nothing");
  }

  @Test
  @Order(4)
  void aThrottledCardIsRetriedAfterRetryAfterAndSentOnce() throws Exception {
    int cards = teams.posts().size();
    teams.throttle(1, "1");
    iris.webhook(Payloads.webhook("{}:{alertname=\"HostOutOfMemory\",n=\"2\"}",
        Payloads.firing("fp-n1-b", "HostOutOfMemory", "node-1:9100", T0.plusSeconds(60))).encode());
    long id = incident("fp-n1-b");
    Knowledge.await("notified after a retry", 30_000, () -> "notified".equals(state(id)));
    Knowledge.await("the card", 10_000, () -> teams.posts().size() == cards + 2);  // the 429 and the retry
    Thread.sleep(1500);
    assertEquals(cards + 2, teams.posts().size(), "sent once after the throttled attempt");
    JsonObject teamsDelivery = iris.api("GET", "/api/v1/incidents/" + id, null).json().getJsonArray("deliveries").stream()
        .map(d -> (JsonObject) d).filter(d -> d.getString("channel").equals("teams")).findFirst().orElseThrow();
    assertEquals("sent", teamsDelivery.getString("state"));
    assertEquals(2, teamsDelivery.getInteger("attempts"));
  }
}
