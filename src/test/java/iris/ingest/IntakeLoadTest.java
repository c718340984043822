package iris.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iris.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class IntakeLoadTest {
  @Test
  void busyWhileTheCurrentOrLastSecondReachedTheThresholdAndNotAfter() {
    MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    IntakeLoad load = new IntakeLoad(clock, 1000);
    load.add(600);
    assertFalse(load.busy());
    load.add(400);
    assertTrue(load.busy(), "1000 alerts this second");
    clock.advance(Duration.ofSeconds(1));
    assertEquals(1000, load.lastSecond());
    assertTrue(load.busy(), "the last whole second was busy");
    clock.advance(Duration.ofSeconds(1));
    assertEquals(0, load.lastSecond());
    assertFalse(load.busy());
    load.add(5000);
    clock.advance(Duration.ofSeconds(10));
    assertEquals(0, load.lastSecond(), "a quiet gap forgets old load");
    assertFalse(load.busy());
  }

  @Test
  void aZeroThresholdIsNeverBusy() {
    IntakeLoad load = new IntakeLoad(new MutableClock(Instant.EPOCH), 0);
    load.add(1_000_000);
    assertFalse(load.busy());
  }
}
