package iris.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.Templates;
import iris.http.SignedLinks;
import iris.notify.NotifyStore.Pending;
import iris.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Messages link to the console: the incident's page, and while firing its one-click actions, first among the buttons. */
class ConsoleLinksTest {
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  private final SignedLinks console = new SignedLinks("https://iris.example.com", "key", Duration.ofHours(24), new MutableClock(NOW));

  private static Pending incident(long id, String status) {
    return new Pending(id, 7, status, "HostOutOfMemory", "critical", "node-1:9100", new JsonObject().put("instance", "node-1:9100"),
        new JsonObject().put("runbook_url", "https://wiki.example.com/oom"), OffsetDateTime.ofInstant(NOW, ZoneOffset.UTC),
        "resolved".equals(status) ? OffsetDateTime.ofInstant(NOW.plusSeconds(600), ZoneOffset.UTC) : null,
        "http://prometheus:9090/graph", "http://alertmanager:9093", new JsonObject().put("summary", "memory"));
  }

  @Test
  void aFiringMessageOffersThePageAndBothActionsBeforeTheOtherLinks() throws Exception {
    Notification n = Composer.compose(7, "firing", List.of(incident(41, "firing")), console);
    assertEquals(List.of("Open in Iris", "Acknowledge", "Mark known issue for 4 h", "Runbook", "Prometheus", "Alertmanager"),
        n.links().stream().map(Notification.Link::title).toList());
    assertEquals("https://iris.example.com/console/incidents/41", n.links().get(0).url());
    String ack = n.links().get(1).url();
    SignedLinks.Verdict verdict = console.verify(ack.substring(ack.lastIndexOf('/') + 1));
    assertTrue(verdict.valid());
    assertEquals(41, verdict.grant().incidentId());
    assertEquals(SignedLinks.Action.ACKNOWLEDGE, verdict.grant().action());

    JsonArray actions = AdaptiveCard.message(n).getJsonArray("attachments").getJsonObject(0).getJsonObject("content")
        .getJsonArray("actions");
    assertEquals(AdaptiveCard.MAX_ACTIONS, actions.size());
    assertEquals("Acknowledge", actions.getJsonObject(1).getString("title"));
    assertEquals(ack, actions.getJsonObject(1).getString("url"));

    EmailRenderer.Email email = new EmailRenderer(new Templates(null)).render(n);
    for (Notification.Link link : n.links()) {
      assertTrue(email.html().contains("href=\"" + link.url() + "\""), link.title() + " in the HTML email");
      assertTrue(email.text().contains(link.url()), link.title() + " in the text email");
    }
  }

  @Test
  void aResolvedMessageLinksOnlyToThePageAndWithoutAPublicUrlNothingChanges() {
    Notification resolved = Composer.compose(7, "resolved", List.of(incident(41, "resolved")), console);
    assertEquals(List.of("Open in Iris", "Runbook", "Prometheus", "Alertmanager"),
        resolved.links().stream().map(Notification.Link::title).toList());
    Notification plain = Composer.compose(7, "firing", List.of(incident(41, "firing")));
    assertEquals(List.of("Prometheus", "Alertmanager", "Runbook"), plain.links().stream().map(Notification.Link::title).toList());
  }
}
