package iris.maintenance;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.dmfs.rfc5545.DateTime;
import org.dmfs.rfc5545.recur.Freq;
import org.dmfs.rfc5545.recur.InvalidRecurrenceRuleException;
import org.dmfs.rfc5545.recur.RecurrenceRule;
import org.dmfs.rfc5545.recur.RecurrenceRuleIterator;

/**
 * An RFC 5545 recurrence rule read in a window's own time zone (lib-recur expands it). The rule
 * runs on local wall-clock times, so "every Sunday 02:00" stays 02:00 across daylight-saving
 * changes; a local time that does not exist that day (the spring gap) moves forward by the gap,
 * and one that exists twice (autumn) is taken at its first instant, as java.time does.
 */
public final class Recurrence {
  private final String text;
  private final RecurrenceRule rule;
  private final ZoneId zone;

  private Recurrence(String text, RecurrenceRule rule, ZoneId zone) {
    this.text = text;
    this.rule = rule;
    this.zone = zone;
  }

  /** Parses {@code text} (with or without an "RRULE:" prefix); IllegalArgumentException says what is wrong. */
  public static Recurrence parse(String text, ZoneId zone) {
    String raw = text.strip();
    if (raw.regionMatches(true, 0, "RRULE:", 0, 6)) {
      raw = raw.substring(6);
    }
    RecurrenceRule rule;
    try {
      rule = new RecurrenceRule(raw, RecurrenceRule.RfcMode.RFC5545_STRICT);
    } catch (InvalidRecurrenceRuleException | RuntimeException e) {
      throw new IllegalArgumentException("not an RFC 5545 RRULE (" + e.getMessage() + ")");
    }
    if (rule.getFreq() == Freq.SECONDLY || rule.getFreq() == Freq.MINUTELY) {
      throw new IllegalArgumentException("FREQ must be HOURLY or longer for a maintenance window");
    }
    DateTime until = rule.getUntil();
    if (until != null && !until.isFloating() && !until.isAllDay()) {
      // RFC 5545 gives UNTIL in UTC when the start has a time zone; the rule runs on local times.
      rule.setUntil(floating(Instant.ofEpochMilli(until.getTimestamp()).atZone(zone).toLocalDateTime()));
    }
    return new Recurrence(raw, rule, zone);
  }

  public String text() {
    return text;
  }

  public boolean infinite() {
    return rule.isInfinite();
  }

  /** One occurrence's time. */
  public record Slot(Instant start, Instant end) {}

  /**
   * The occurrences of a window first running {@code first} to {@code firstEnd} (local times in the
   * zone) that end after {@code from} and start before {@code until}, at most {@code max}. Each runs
   * the same local wall-clock time as the first (02:00–04:00 stays 02:00–04:00; on the night the
   * clocks go forward it is 03:00–04:00).
   */
  public List<Slot> slots(LocalDateTime first, LocalDateTime firstEnd, Instant from, Instant until, int max) {
    Duration local = Duration.between(first, firstEnd);
    List<Slot> out = new ArrayList<>();
    RecurrenceRuleIterator it = rule.iterator(floating(first));
    int scanned = 0;
    while (it.hasNext() && out.size() < max && scanned++ < 100_000) {
      LocalDateTime start = local(it.nextDateTime());
      Instant s = ZonedDateTime.of(start, zone).toInstant();
      if (!s.isBefore(until)) {
        break;
      }
      Instant e = ZonedDateTime.of(start.plus(local), zone).toInstant();
      if (e.isAfter(from) && e.isAfter(s)) {
        out.add(new Slot(s, e));
      }
    }
    return out;
  }

  /**
   * The starts of the occurrences of a window first starting at {@code first} (local time in the
   * zone) that begin in [{@code from}, {@code until}), at most {@code max}, in order.
   */
  public List<Instant> starts(LocalDateTime first, Instant from, Instant until, int max) {
    RecurrenceRuleIterator it = rule.iterator(floating(first));
    List<Instant> out = new ArrayList<>();
    // A rule that never matches again (BYMONTHDAY=31;BYMONTH=2) would spin forever: bound the scan.
    int scanned = 0;
    while (it.hasNext() && out.size() < max && scanned++ < 100_000) {
      DateTime next = it.nextDateTime();
      Instant start = ZonedDateTime.of(local(next), zone).toInstant();
      if (!start.isBefore(until)) {
        break;
      }
      if (!start.isBefore(from)) {
        out.add(start);
      }
    }
    return out;
  }

  /** The shortest gap between the first occurrences: a window longer than it would overlap itself. */
  public Duration shortestGap(LocalDateTime first) {
    List<Instant> starts = starts(first, Instant.MIN, Instant.MAX, 50);
    Duration gap = null;
    for (int i = 1; i < starts.size(); i++) {
      Duration d = Duration.between(starts.get(i - 1), starts.get(i));
      gap = gap == null || d.compareTo(gap) < 0 ? d : gap;
    }
    return gap;
  }

  private static DateTime floating(LocalDateTime t) {
    return new DateTime(t.getYear(), t.getMonthValue() - 1, t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond());
  }

  private static LocalDateTime local(DateTime t) {
    if (t.isAllDay()) {
      return LocalDateTime.of(t.getYear(), t.getMonth() + 1, t.getDayOfMonth(), 0, 0);
    }
    return LocalDateTime.of(t.getYear(), t.getMonth() + 1, t.getDayOfMonth(), t.getHours(), t.getMinutes(), t.getSeconds());
  }

  @Override
  public String toString() {
    return text + " in " + zone;
  }
}
