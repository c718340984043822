package iris.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class IntakeLoadTest {
  /** A clock the test moves. */
  private static final class Manual extends Clock {
    Instant now = Instant.parse("2026-12-01T10:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void busyWhileTheCurrentOrLastSecondReachedTheThresholdAndNotAfter() {
    Manual clock = new Manual();
    IntakeLoad load = new IntakeLoad(clock, 1000);
    load.add(600);
    assertFalse(load.busy());
    load.add(400);
    assertTrue(load.busy(), "1000 alerts this second");
    clock.now = clock.now.plusSeconds(1);
    assertEquals(1000, load.lastSecond());
    assertTrue(load.busy(), "the last whole second was busy");
    clock.now = clock.now.plusSeconds(1);
    assertEquals(0, load.lastSecond());
    assertFalse(load.busy());
    load.add(5000);
    clock.now = clock.now.plusSeconds(10);
    assertEquals(0, load.lastSecond(), "a quiet gap forgets old load");
    assertFalse(load.busy());
  }

  @Test
  void aZeroThresholdIsNeverBusy() {
    IntakeLoad load = new IntakeLoad(new Manual(), 0);
    load.add(1_000_000);
    assertFalse(load.busy());
  }
}
