package iris.notify;

import java.time.Duration;
import java.util.Optional;

/**
 * Whether and when a failed send is tried again: never for a permanent failure or after the
 * last attempt; otherwise after an exponential backoff, or the server's Retry-After when longer,
 * at most an hour.
 */
final class Retry {
  private static final Duration MAX_WAIT = Duration.ofHours(1);

  private final int maxAttempts;
  private final Duration base;

  Retry(int maxAttempts, Duration base) {
    this.maxAttempts = maxAttempts;
    this.base = base;
  }

  /** The wait before the next attempt, or empty to give up. {@code attempts} counts the one that failed. */
  Optional<Duration> after(DeliveryFailure failure, int attempts) {
    if (!failure.retryable() || attempts >= maxAttempts) {
      return Optional.empty();
    }
    Duration backoff = base.multipliedBy(1L << Math.min(20, Math.max(0, attempts - 1)));
    Duration wait = failure.retryAfter() != null && failure.retryAfter().compareTo(backoff) > 0 ? failure.retryAfter() : backoff;
    return Optional.of(wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait);
  }
}
