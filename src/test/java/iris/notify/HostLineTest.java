package iris.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.notify.NotifyStore.Pending;
import iris.testing.AdaptiveCardShape;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A firing message carries how its host is doing, from the host's latest metrics snapshot in the
 * enrichment, on the card and in both parts of the email; a resolved one does not.
 */
class HostLineTest {
  private static final String LINE = "disk / 91 % (critical), +1.2 %/day, full in ~7 days";

  private static Pending incident(String status, JsonObject enrichment) {
    OffsetDateTime start = OffsetDateTime.of(2026, 11, 24, 3, 0, 0, 0, ZoneOffset.UTC);
    return new Pending(1, 7, status, "HostOutOfDiskSpace", "critical", "db1:9100", new JsonObject().put("instance", "db1:9100"),
        new JsonObject(), start, "resolved".equals(status) ? start.plusMinutes(30) : null, null, null, enrichment);
  }

  private static JsonObject enrichment() {
    return new JsonObject().put("summary", "The root file system of db1 is nearly full.").put("context", new JsonObject()
        .put("metrics", new JsonObject().put("state", "critical").put("lines", new JsonArray().add(LINE)).put("text", LINE)
            .put("snapshot", new JsonObject().put("hostname", "db1").put("fullest_disk_pct", 91.2))));
  }

  @Test
  void theComposerTakesTheLineFromTheEnrichmentForFiringMessagesOnly() {
    Notification firing = Composer.compose(7, "firing", List.of(incident("firing", enrichment())));
    assertEquals("db1: " + LINE, firing.host());
    assertEquals("", Composer.compose(7, "resolved", List.of(incident("resolved", enrichment()))).host());
    assertEquals("", Composer.compose(7, "firing", List.of(incident("firing", new JsonObject().put("summary", "s")))).host(),
        "no snapshot, no line");
    // The outbox stores the message as JSON: the line survives a retry.
    assertEquals(firing, MessageJson.from(MessageJson.of(firing)));
  }

  @Test
  void theCardSaysItUnderTheSummary() {
    Notification n = Composer.compose(7, "firing", List.of(incident("firing", enrichment())));
    JsonObject card = AdaptiveCardShape.assertValid(AdaptiveCard.message(n));
    List<String> texts = new ArrayList<>();
    card.getJsonArray("body").forEach(o -> texts.add(((JsonObject) o).getString("text")));
    int summary = texts.indexOf("The root file system of db1 is nearly full.");
    assertTrue(summary > 0, texts.toString());
    // Teams markdown escapes what it would read as markup; the words are the line's.
    assertEquals("**Host:** db1: " + LINE, texts.get(summary + 1).replace("\\", ""), texts.toString());
    Notification without = Composer.compose(7, "firing", List.of(incident("firing", new JsonObject().put("summary", "s"))));
    JsonObject plain = AdaptiveCardShape.assertValid(AdaptiveCard.message(without));
    assertFalse(plain.encode().contains("Host:"), plain.encode());
  }

  @Test
  void bothPartsOfTheEmailSayIt() throws Exception {
    EmailRenderer.Email email = EmailSamples.renderer().render(Composer.compose(7, "firing", List.of(incident("firing", enrichment()))));
    assertTrue(email.text().contains("HOST\ndb1: " + LINE + "\n"), email.text());
    assertTrue(email.html().contains("<b>Host:</b> db1: " + LINE + "</p>"), email.html());
    EmailRenderer.Email plain = EmailSamples.renderer().render(EmailSamples.firing());
    assertFalse(plain.text().contains("HOST\n"), plain.text());
    assertFalse(plain.html().contains("<b>Host:</b>"), plain.html());
  }
}
