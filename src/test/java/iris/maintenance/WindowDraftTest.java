package iris.maintenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.http.HttpProblem;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WindowDraftTest {
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  private static final Duration MAX = Duration.ofDays(7);

  private static JsonObject draft() {
    return new JsonObject().put("title", "Kernel upgrade").put("category", "infrastructure")
        .put("scope", new JsonObject().put("hosts", new JsonArray().add("db1")))
        .put("starts_at", "2026-12-06T02:00:00Z").put("ends_at", "2026-12-06T04:00:00Z");
  }

  private static String refusedField(JsonObject body) {
    HttpProblem p = assertThrows(HttpProblem.class, () -> WindowDraft.parse(body, NOW, MAX));
    assertEquals(400, p.status());
    return p.toJson().getString("field");
  }

  @Test
  void aPlainWindowIsReadWithItsDefaults() {
    WindowDraft d = WindowDraft.parse(draft(), NOW, MAX);
    assertEquals("scheduled", d.type());
    assertEquals(Duration.ofHours(2), d.length());
    assertEquals(List.of(Duration.ofHours(1)), d.reminders());
    assertTrue(d.announce());
    assertNull(d.recurrence());
    assertEquals("UTC", d.zone().getId());
  }

  @Test
  void localTimesAreReadInTheWindowsTimeZone() {
    WindowDraft d = WindowDraft.parse(draft().put("timezone", "Europe/Berlin").put("starts_at", "2026-12-06T02:00")
        .put("ends_at", "2026-12-06T04:00"), NOW, MAX);
    assertEquals(Instant.parse("2026-12-06T01:00:00Z"), d.startsAt());
  }

  @Test
  void badInputIsRefusedNamingTheField() {
    assertEquals("ends_at", refusedField(draft().put("ends_at", "2026-12-06T01:00:00Z")));
    assertEquals("timezone", refusedField(draft().put("timezone", "Mars/Olympus")));
    assertEquals("recurrence", refusedField(draft().put("recurrence", "FREQ=SOMETIMES")));
    assertEquals("scope", refusedField(draft().put("scope", new JsonObject())));
    assertEquals("scope.matchers[0].op", refusedField(draft().put("scope", new JsonObject().put("matchers",
        new JsonArray().add(new JsonObject().put("label", "job").put("op", "~=").put("value", "x"))))));
    assertEquals("scope.matchers[0].value", refusedField(draft().put("scope", new JsonObject().put("matchers",
        new JsonArray().add(new JsonObject().put("label", "job").put("op", "=~").put("value", "(unclosed"))))));
    assertEquals("colour", refusedField(draft().put("colour", "red")));
    assertEquals("type", refusedField(draft().put("type", "urgent")));
    assertEquals("reminders[0]", refusedField(draft().put("reminders", new JsonArray().add("an hour"))));
    assertEquals("ends_at", refusedField(draft().put("starts_at", "2026-11-01T02:00:00Z").put("ends_at", "2026-11-01T04:00:00Z")));
  }

  @Test
  void aWindowLongerThanTheMaximumNeedsAReason() {
    JsonObject week = draft().put("ends_at", "2026-12-14T02:00:00Z");
    HttpProblem p = assertThrows(HttpProblem.class, () -> WindowDraft.parse(week, NOW, MAX));
    assertTrue(p.getMessage().contains("PT168H"), p.getMessage());
    assertEquals(Duration.ofDays(8), WindowDraft.parse(week.put("reason", "datacentre move"), NOW, MAX).length());
  }

  @Test
  void anEmergencyWindowStartsAtOnceAndDoesNotRecur() {
    JsonObject emergency = draft().put("type", "emergency").put("ends_at", "2026-12-01T12:00:00Z");
    emergency.remove("starts_at");
    assertEquals(NOW, WindowDraft.parse(emergency, NOW, MAX).startsAt());
    assertEquals("starts_at", refusedField(emergency.copy().put("starts_at", "2026-12-01T11:00:00Z")));
    assertEquals("recurrence", refusedField(emergency.copy().put("recurrence", "FREQ=WEEKLY")));
  }

  @Test
  void occurrencesThatWouldOverlapAreRefused() {
    assertEquals("recurrence", refusedField(draft().put("ends_at", "2026-12-07T04:00:00Z").put("recurrence", "FREQ=DAILY")));
    WindowDraft weekly = WindowDraft.parse(draft().put("recurrence", "FREQ=WEEKLY;BYDAY=SU"), NOW, MAX);
    assertEquals("FREQ=WEEKLY;BYDAY=SU", weekly.recurrence().text());
  }
}
