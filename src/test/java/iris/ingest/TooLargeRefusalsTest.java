package iris.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import iris.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A refusal for size is counted at once and shown for an hour, then no more. */
class TooLargeRefusalsTest {
  @Test
  void theLastRefusalShowsForAnHour() {
    MutableClock clock = new MutableClock(Instant.parse("2026-12-01T03:00:00Z"));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    TooLargeRefusals refusals = new TooLargeRefusals(clock, new IngestMetrics(registry));
    assertNull(refusals.recent());
    assertEquals(0.0, registry.get("iris.webhook.rejected").tag("reason", "too_large").counter().count(), "present before any");

    refusals.tooLarge("team-a", "{}:{dc=\"1\"}", 70_000_000, true);
    assertEquals(1.0, registry.get("iris.webhook.rejected").tag("reason", "too_large").counter().count());
    clock.advance(Duration.ofMinutes(59));
    assertNotNull(refusals.recent());
    assertEquals("{}:{dc=\"1\"}", refusals.recent().getString("group_key"));
    assertEquals("2026-12-01T03:00:00Z", refusals.recent().getString("at"));
    clock.advance(Duration.ofMinutes(2));
    assertNull(refusals.recent(), "an hour later it is history");
  }
}
