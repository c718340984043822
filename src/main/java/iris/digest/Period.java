package iris.digest;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;

/**
 * The time a digest covers: a whole day, week (Monday to Monday) or month in the digest's time
 * zone, [start, end). A digest built at any time covers the last whole period before it, so the
 * 07:00 run (and a run an hour late, or on another node) covers the same period.
 */
public record Period(String frequency, Instant start, Instant end, ZoneId zone) {
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEE d MMM yyyy", Locale.ENGLISH);

  /** The last whole period that ends at or before {@code at}. */
  public static Period endingBy(String frequency, Instant at, ZoneId zone) {
    LocalDate day = at.atZone(zone).toLocalDate();
    LocalDate end = switch (frequency) {
      case "daily" -> day;
      case "weekly" -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
      case "monthly" -> day.withDayOfMonth(1);
      default -> throw new IllegalArgumentException("frequency must be daily, weekly or monthly, got '" + frequency + "'");
    };
    return of(frequency, end, zone);
  }

  private static Period of(String frequency, LocalDate endDay, ZoneId zone) {
    LocalDate startDay = switch (frequency) {
      case "daily" -> endDay.minusDays(1);
      case "weekly" -> endDay.minusWeeks(1);
      default -> endDay.minusMonths(1);
    };
    // atStartOfDay: a day that begins in a DST gap begins when the clocks allow
    return new Period(frequency, startDay.atStartOfDay(zone).toInstant(), endDay.atStartOfDay(zone).toInstant(), zone);
  }

  /** The period just before this one, to compare with. */
  public Period previous() {
    return of(frequency, LocalDate.ofInstant(start, zone), zone);
  }

  public java.time.Duration length() {
    return java.time.Duration.between(start, end);
  }

  /** "Mon 2 Mar 2026", "week of Mon 2 Mar 2026", "March 2026". */
  public String label() {
    ZonedDateTime s = start.atZone(zone);
    return switch (frequency) {
      case "daily" -> s.format(DAY);
      case "weekly" -> "week of " + s.format(DAY);
      default -> s.format(DateTimeFormatter.ofPattern("MMMM yyyy", Locale.ENGLISH));
    };
  }
}
