package iris.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import iris.notify.NotifyStore.Pending;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A huge group's message: every id, a bounded sample of the most severe, counts of the rest. */
class DraftTest {
  private static final OffsetDateTime SINCE = OffsetDateTime.ofInstant(Instant.parse("2026-12-01T03:00:00Z"), ZoneOffset.UTC);

  private static Pending incident(long id, String alertname, String severity, int notSent) {
    return new Pending(id, 7, "firing", alertname, severity, "h" + id + ":9100", new JsonObject(), new JsonObject(), SINCE, null,
        null, null, new JsonObject().put("summary", alertname + " summary"), null, notSent);
  }

  @Test
  void tenThousandAlertsKeepTheMostSevereAsLinesAndCountTheRest() throws Exception {
    Draft draft = new Draft("firing", null);
    List<Long> ids = new ArrayList<>();
    for (long id = 1; id <= 10_000; id++) {
      // warnings first by id; the criticals come late, as a slice read by id would find them
      String severity = id > 9_900 ? "critical" : "warning";
      draft.add(incident(id, id % 2 == 0 ? "DiskFull" : "NodeDown", severity, 300));
      ids.add(id);
    }
    assertEquals(ids, draft.ids());
    List<Pending> lines = draft.lines();
    assertEquals(Draft.MAX_LINES, lines.size());
    assertTrue(lines.stream().allMatch(p -> "critical".equals(p.severity())), "the most severe, wherever they came");
    assertEquals(9_901, lines.get(0).id(), "most severe, then oldest");
    assertEquals(List.of(new Notification.Count("DiskFull", "warning", 4_950), new Notification.Count("NodeDown", "warning", 4_950),
        new Notification.Count("DiskFull", "critical", 50), new Notification.Count("NodeDown", "critical", 50)), draft.counts());

    Notification n = Composer.compose(7, draft, iris.http.SignedLinks.none());
    assertEquals(Draft.MAX_LINES, n.alerts().size());
    assertEquals(10_000, n.extent().alerts());
    assertEquals(300, n.extent().notSent());
    assertEquals("critical", n.severity());
    assertTrue(n.title().endsWith("(10,300 alerts)"), n.title());
    assertEquals(List.of("DiskFull"), n.others().stream().map(Notification.Finding::alertname).toList(),
        "the other alert name's finding");

    String card = AdaptiveCard.message(n).encode();
    assertTrue(card.contains("and 9,980 more; all 10,000 by name: DiskFull (warning) 4,950"), card);
    assertTrue(card.contains("and 300 more alerts Alertmanager did not send"), card);
    Notification stored = (Notification) MessageJson.from(MessageJson.of(n));
    assertEquals(n.extent(), stored.extent(), "the outbox keeps the extent for every retry");

    EmailRenderer.Email email = EmailSamples.renderer().render(n);
    assertTrue(email.text().contains("- and 9,950 more; all 10,000 by name:"), email.text());
    assertTrue(email.text().contains("DiskFull [warning]: 4,950"), email.text());
    assertTrue(email.html().contains("and 300 more alerts Alertmanager did not send"), email.html());
  }

  @Test
  void aSmallGroupIsAllLinesAndNoCounts() {
    Draft draft = Draft.of("firing", null, List.of(incident(1, "NodeDown", "critical", 0), incident(2, "NodeDown", "critical", 0)));
    Notification n = Composer.compose(7, draft, iris.http.SignedLinks.none());
    assertEquals(2, n.alerts().size());
    String card = AdaptiveCard.message(n).encode();
    assertTrue(!card.contains("more") && !card.contains("did not send"), card);
  }
}
