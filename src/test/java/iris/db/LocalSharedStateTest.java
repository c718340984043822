package iris.db;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

class LocalSharedStateTest extends SharedStateContract {
  private final MutableClock clock = new MutableClock();
  private final LocalSharedState state = new LocalSharedState(clock);

  @Override
  protected SharedState state() {
    return state;
  }

  @Override
  protected void advance(Duration d) {
    clock.now = clock.now.plus(d);
  }

  static final class MutableClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
