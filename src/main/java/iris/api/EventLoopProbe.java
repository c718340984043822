package iris.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * Measures how late a periodic timer fires on an event loop: the time a handler would wait
 * behind whatever is running there. Exported as {@code iris_event_loop_delay_seconds}.
 */
public final class EventLoopProbe {
  private static final long PERIOD_MS = 100;

  private EventLoopProbe() {}

  /** Starts the probe on the calling context's event loop; returns the timer id. */
  public static long start(Vertx vertx, MeterRegistry registry) {
    Timer delay = Timer.builder("iris.event.loop.delay")
        .description("How late a 100 ms timer fires on an HTTP event loop")
        .tag("thread", Thread.currentThread().getName())
        .register(registry);
    long[] expected = {System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PERIOD_MS)};
    return vertx.setPeriodic(PERIOD_MS, id -> {
      long now = System.nanoTime();
      delay.record(Math.max(0, now - expected[0]), TimeUnit.NANOSECONDS);
      expected[0] = now + TimeUnit.MILLISECONDS.toNanos(PERIOD_MS);
    });
  }
}
