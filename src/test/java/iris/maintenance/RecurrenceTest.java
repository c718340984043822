package iris.maintenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecurrenceTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final ZoneId ACCRA = ZoneId.of("Africa/Accra");

  @Test
  void everySundayAtTwoStaysAtTwoLocalAcrossBothDaylightSavingChanges() {
    Recurrence weekly = Recurrence.parse("FREQ=WEEKLY;BYDAY=SU", BERLIN);
    // 2026-03-22 is a Sunday; on 2026-03-29 Berlin jumps from 02:00 to 03:00.
    List<Instant> spring = weekly.starts(LocalDateTime.parse("2026-03-22T02:00"), Instant.MIN, Instant.MAX, 3);
    assertEquals(List.of(
        Instant.parse("2026-03-22T01:00:00Z"),   // 02:00 CET
        Instant.parse("2026-03-29T01:00:00Z"),   // 02:00 does not exist: moved forward to 03:00 CEST
        Instant.parse("2026-04-05T00:00:00Z")),  // 02:00 CEST
        spring);
    // On 2026-10-25 02:00–03:00 happens twice: the first (CEST) is taken.
    List<Instant> autumn = weekly.starts(LocalDateTime.parse("2026-10-18T02:00"), Instant.MIN, Instant.MAX, 3);
    assertEquals(List.of(
        Instant.parse("2026-10-18T00:00:00Z"),
        Instant.parse("2026-10-25T00:00:00Z"),
        Instant.parse("2026-11-01T01:00:00Z")), autumn);
  }

  @Test
  void eachOccurrenceKeepsItsLocalEndSoTheNightTheClocksGoForwardIsAnHourShorter() {
    Recurrence weekly = Recurrence.parse("FREQ=WEEKLY;BYDAY=SU", BERLIN);
    List<Recurrence.Slot> slots = weekly.slots(LocalDateTime.parse("2026-03-22T02:00"), LocalDateTime.parse("2026-03-22T04:00"),
        Instant.parse("2026-03-01T00:00:00Z"), Instant.MAX, 3);
    assertEquals(new Recurrence.Slot(Instant.parse("2026-03-22T01:00:00Z"), Instant.parse("2026-03-22T03:00:00Z")), slots.get(0));
    // 03:00–04:00 CEST: 02:00 does not exist that night
    assertEquals(new Recurrence.Slot(Instant.parse("2026-03-29T01:00:00Z"), Instant.parse("2026-03-29T02:00:00Z")), slots.get(1));
    assertEquals(new Recurrence.Slot(Instant.parse("2026-04-05T00:00:00Z"), Instant.parse("2026-04-05T02:00:00Z")), slots.get(2));
    // an occurrence still running at "from" is included, one that ended is not
    assertEquals(Instant.parse("2026-03-29T01:00:00Z"), weekly.slots(LocalDateTime.parse("2026-03-22T02:00"),
        LocalDateTime.parse("2026-03-22T04:00"), Instant.parse("2026-03-22T03:00:00Z"), Instant.MAX, 1).get(0).start());
  }

  @Test
  void accraHasNoDaylightSavingSoTwoOClockIsAlwaysTwoUtc() {
    Recurrence weekly = Recurrence.parse("RRULE:FREQ=WEEKLY;BYDAY=SU", ACCRA);
    List<Instant> starts = weekly.starts(LocalDateTime.parse("2026-12-06T02:00"), Instant.MIN, Instant.MAX, 2);
    assertEquals(List.of(Instant.parse("2026-12-06T02:00:00Z"), Instant.parse("2026-12-13T02:00:00Z")), starts);
  }

  @Test
  void theRangeAndCountAndUntilBoundTheOccurrences() {
    Recurrence daily = Recurrence.parse("FREQ=DAILY;COUNT=5", BERLIN);
    LocalDateTime first = LocalDateTime.parse("2026-06-01T22:00");
    assertEquals(5, daily.starts(first, Instant.MIN, Instant.MAX, 100).size());
    List<Instant> window = daily.starts(first, Instant.parse("2026-06-02T12:00:00Z"), Instant.parse("2026-06-04T12:00:00Z"), 100);
    assertEquals(List.of(Instant.parse("2026-06-02T20:00:00Z"), Instant.parse("2026-06-03T20:00:00Z")), window);
    // UNTIL is given in UTC (RFC 5545 with a zoned start); the last one is the 3rd at 22:00 Berlin.
    Recurrence until = Recurrence.parse("FREQ=DAILY;UNTIL=20260603T200000Z", BERLIN);
    List<Instant> bounded = until.starts(first, Instant.MIN, Instant.MAX, 100);
    assertEquals(Instant.parse("2026-06-03T20:00:00Z"), bounded.get(bounded.size() - 1));
    assertEquals(3, bounded.size());
    assertTrue(Recurrence.parse("FREQ=WEEKLY", BERLIN).infinite());
  }

  @Test
  void theShortestGapSaysWhetherAWindowWouldOverlapItsNextOccurrence() {
    Recurrence weekdays = Recurrence.parse("FREQ=WEEKLY;BYDAY=MO,TU", ACCRA);
    assertEquals(Duration.ofDays(1), weekdays.shortestGap(LocalDateTime.parse("2026-12-07T02:00")));
  }

  @Test
  void anInvalidRuleOrOneTooFrequentIsRefusedWithTheReason() {
    assertThrows(IllegalArgumentException.class, () -> Recurrence.parse("FREQ=FORTNIGHTLY", BERLIN));
    assertThrows(IllegalArgumentException.class, () -> Recurrence.parse("FREQ=WEEKLY;BYDAY=XX", BERLIN));
    assertThrows(IllegalArgumentException.class, () -> Recurrence.parse("every sunday", BERLIN));
    IllegalArgumentException minutely = assertThrows(IllegalArgumentException.class,
        () -> Recurrence.parse("FREQ=MINUTELY", BERLIN));
    assertTrue(minutely.getMessage().contains("HOURLY"), minutely.getMessage());
  }
}
