package iris.ingest;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many alerts this node's intake took in the last whole second. The pipeline's stages
 * yield while it is high: on a small machine, a storm's webhooks keep the CPU and the stages
 * catch up after it (they claim from the database, so nothing waits in memory meanwhile).
 * Thread-safe: every webhook event loop adds to it.
 */
public final class IntakeLoad {
  private final Clock clock;
  private final long threshold;
  private final AtomicLong second = new AtomicLong();
  private final AtomicLong current = new AtomicLong();
  private final AtomicLong previous = new AtomicLong();

  /** @param threshold alerts per second from which the intake counts as busy; 0 never */
  public IntakeLoad(Clock clock, long threshold) {
    this.clock = clock;
    this.threshold = threshold;
  }

  public void add(int alerts) {
    roll();
    current.addAndGet(alerts);
  }

  /** Alerts taken in the last whole second. */
  public long lastSecond() {
    roll();
    return previous.get();
  }

  public boolean busy() {
    return threshold > 0 && Math.max(lastSecond(), current.get()) >= threshold;
  }

  private void roll() {
    long now = clock.millis() / 1000;
    long seen = second.get();
    if (now != seen && second.compareAndSet(seen, now)) {
      previous.set(now == seen + 1 ? current.getAndSet(0) : 0);
      if (now != seen + 1) {
        current.set(0);
      }
    }
  }
}
