package iris.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ScheduleTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  @Test
  void aCronExpressionIsReadInItsTimeZone() {
    Schedule daily = Schedule.cron("30 2 * * *", BERLIN);
    // 02:30 in Berlin is 01:30 UTC in winter.
    assertEquals(Instant.parse("2026-01-15T01:30:00Z"), daily.nextAfter(Instant.parse("2026-01-15T00:00:00Z")).orElseThrow());
    assertEquals(Instant.parse("2026-01-14T01:30:00Z"), daily.latestAtOrBefore(Instant.parse("2026-01-15T01:29:59Z")).orElseThrow());
    assertEquals(Instant.parse("2026-01-15T01:30:00Z"), daily.latestAtOrBefore(Instant.parse("2026-01-15T01:30:00Z")).orElseThrow(),
        "the slot itself counts as come");
    assertEquals(Instant.parse("2026-01-15T01:30:00Z"), daily.latestAtOrBefore(Instant.parse("2026-01-15T01:30:42Z")).orElseThrow());
    // And 00:30 UTC in summer.
    assertEquals(Instant.parse("2026-07-15T00:30:00Z"), daily.nextAfter(Instant.parse("2026-07-15T00:00:00Z")).orElseThrow());
    assertEquals("Europe/Berlin", daily.zone().getId());
  }

  @Test
  void aBadCronExpressionIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> Schedule.cron("61 * * * *", ZoneOffset.UTC));
    assertThrows(IllegalArgumentException.class, () -> Schedule.cron("every day", ZoneOffset.UTC));
  }

  @Test
  void intervalSlotsAreMultiplesOfTheIntervalSinceTheEpoch() {
    Schedule every10s = Schedule.every(Duration.ofSeconds(10));
    assertEquals(Instant.parse("2026-01-01T00:00:10Z"), every10s.latestAtOrBefore(Instant.parse("2026-01-01T00:00:19.999Z")).orElseThrow());
    assertEquals(Instant.parse("2026-01-01T00:00:20Z"), every10s.nextAfter(Instant.parse("2026-01-01T00:00:19.999Z")).orElseThrow());
    assertEquals(Instant.parse("2026-01-01T00:00:30Z"), every10s.nextAfter(Instant.parse("2026-01-01T00:00:20Z")).orElseThrow());
    assertNull(every10s.zone());
    assertEquals("PT10S", every10s.expression());
  }

  @Test
  void aMissedSlotRunsOnceAtRecoveryNotOncePerSlot() {
    Schedule hourly = Schedule.cron("0 * * * *", ZoneOffset.UTC);
    Instant started = Instant.parse("2026-03-01T09:00:00Z");
    // The last run was at 10:00; it is now 13:20: the 13:00 slot runs, as a catch-up.
    Scheduler.Due due = Scheduler.due(hourly, Instant.parse("2026-03-01T13:20:00Z"), Instant.parse("2026-03-01T10:00:00Z"), started);
    assertEquals(new Scheduler.Due(Instant.parse("2026-03-01T13:00:00Z"), JobRun.CATCH_UP), due);
    // The slot after the last one: an ordinary run.
    assertEquals(new Scheduler.Due(Instant.parse("2026-03-01T11:00:00Z"), JobRun.SCHEDULE),
        Scheduler.due(hourly, Instant.parse("2026-03-01T11:00:01Z"), Instant.parse("2026-03-01T10:00:00Z"), started));
    // Its latest slot ran: nothing to do.
    assertNull(Scheduler.due(hourly, Instant.parse("2026-03-01T13:59:59Z"), Instant.parse("2026-03-01T13:00:00Z"), started));
  }

  @Test
  void aJobThatNeverRanWaitsForItsFirstSlotAfterTheSchedulerStarted() {
    Schedule hourly = Schedule.cron("0 * * * *", ZoneOffset.UTC);
    Instant started = Instant.parse("2026-03-01T09:10:00Z");
    assertNull(Scheduler.due(hourly, Instant.parse("2026-03-01T09:30:00Z"), null, started));
    assertEquals(new Scheduler.Due(Instant.parse("2026-03-01T10:00:00Z"), JobRun.SCHEDULE),
        Scheduler.due(hourly, Instant.parse("2026-03-01T10:00:00Z"), null, started));
  }
}
