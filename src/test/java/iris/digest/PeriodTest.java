package iris.digest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class PeriodTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  @Test
  void aRunCoversTheLastWholePeriodBeforeIt() {
    Period daily = Period.endingBy("daily", Instant.parse("2026-03-03T07:00:00Z"), ZoneOffset.UTC);
    assertEquals(Instant.parse("2026-03-02T00:00:00Z"), daily.start());
    assertEquals(Instant.parse("2026-03-03T00:00:00Z"), daily.end());
    assertEquals(daily, Period.endingBy("daily", Instant.parse("2026-03-03T23:59:59Z"), ZoneOffset.UTC), "a late run, the same period");
    assertEquals(Instant.parse("2026-03-01T00:00:00Z"), daily.previous().start());

    Period weekly = Period.endingBy("weekly", Instant.parse("2026-03-04T12:00:00Z"), ZoneOffset.UTC);
    assertEquals(Instant.parse("2026-02-23T00:00:00Z"), weekly.start(), "Monday to Monday");
    assertEquals(Instant.parse("2026-03-02T00:00:00Z"), weekly.end());
    assertEquals("week of Mon 23 Feb 2026", weekly.label());

    Period monthly = Period.endingBy("monthly", Instant.parse("2026-03-01T07:00:00Z"), ZoneOffset.UTC);
    assertEquals(Instant.parse("2026-02-01T00:00:00Z"), monthly.start());
    assertEquals(Instant.parse("2026-03-01T00:00:00Z"), monthly.end());
    assertEquals("February 2026", monthly.label());
    assertEquals(Instant.parse("2026-01-01T00:00:00Z"), monthly.previous().start());
  }

  @Test
  void daysFollowTheZoneAcrossADaylightSavingChange() {
    // 29 March 2026: Berlin's clocks go forward, the day has 23 hours
    Period day = Period.endingBy("daily", Instant.parse("2026-03-30T05:00:00Z"), BERLIN);
    assertEquals(Instant.parse("2026-03-28T23:00:00Z"), day.start());
    assertEquals(Instant.parse("2026-03-29T22:00:00Z"), day.end());
    assertEquals(Duration.ofHours(23), day.length());
    assertEquals(Duration.ofHours(24), day.previous().length());
  }

  @Test
  void anUnknownFrequencyIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> Period.endingBy("hourly", Instant.EPOCH, ZoneOffset.UTC));
  }
}
