package iris.schedule;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * When a job is due, as a series of slots: the minutes a Unix cron expression names in a time
 * zone, or whole multiples of a fixed interval since the epoch. A slot is the identity of a run.
 */
public sealed interface Schedule permits Schedule.Cron, Schedule.Every {

  /** The latest slot at or before {@code now}. */
  Optional<Instant> latestAtOrBefore(Instant now);

  /** The first slot after {@code now}. */
  Optional<Instant> nextAfter(Instant now);

  /** "cron" or "interval". */
  String kind();

  /** The expression, or the interval as an ISO-8601 duration. */
  String expression();

  /** The zone a cron expression is read in; null for an interval. */
  ZoneId zone();

  /** A five-field Unix cron expression ("17 3 * * *"); IllegalArgumentException says what is wrong with it. */
  static Schedule cron(String expression, ZoneId zone) {
    return new Cron(expression, zone);
  }

  static Schedule every(Duration interval) {
    return new Every(interval);
  }

  final class Cron implements Schedule {
    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private final String expression;
    private final ZoneId zone;
    private final ExecutionTime times;

    private Cron(String expression, ZoneId zone) {
      this.expression = expression.strip();
      this.zone = zone;
      this.times = ExecutionTime.forCron(PARSER.parse(this.expression).validate());
    }

    @Override
    public Optional<Instant> latestAtOrBefore(Instant now) {
      // Unix cron names whole minutes: the current minute is a slot, or the last one before it is.
      ZonedDateTime minute = now.atZone(zone).truncatedTo(ChronoUnit.MINUTES);
      if (times.isMatch(minute)) {
        return Optional.of(minute.toInstant());
      }
      return times.lastExecution(minute).map(ZonedDateTime::toInstant);
    }

    @Override
    public Optional<Instant> nextAfter(Instant now) {
      return times.nextExecution(now.atZone(zone)).map(ZonedDateTime::toInstant);
    }

    @Override
    public String kind() {
      return "cron";
    }

    @Override
    public String expression() {
      return expression;
    }

    @Override
    public ZoneId zone() {
      return zone;
    }

    @Override
    public String toString() {
      return "cron '" + expression + "' in " + zone;
    }
  }

  final class Every implements Schedule {
    private final Duration interval;

    private Every(Duration interval) {
      if (interval.toMillis() < 1) {
        throw new IllegalArgumentException("an interval must be at least 1 ms, got " + interval);
      }
      this.interval = interval;
    }

    @Override
    public Optional<Instant> latestAtOrBefore(Instant now) {
      long step = interval.toMillis();
      return Optional.of(Instant.ofEpochMilli(Math.floorDiv(now.toEpochMilli(), step) * step));
    }

    @Override
    public Optional<Instant> nextAfter(Instant now) {
      long step = interval.toMillis();
      return Optional.of(Instant.ofEpochMilli((Math.floorDiv(now.toEpochMilli(), step) + 1) * step));
    }

    @Override
    public String kind() {
      return "interval";
    }

    @Override
    public String expression() {
      return interval.toString();
    }

    @Override
    public ZoneId zone() {
      return null;
    }

    @Override
    public String toString() {
      return "every " + interval;
    }
  }
}
