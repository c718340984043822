package iris.notify;

import java.time.Duration;

/**
 * Why a send failed, and whether to try again: 429, 5xx and network errors are worth a
 * retry (after {@code retryAfter} when the server said so); other 4xx are not.
 */
public final class DeliveryFailure extends RuntimeException {
  private final boolean retryable;
  private final Duration retryAfter;

  public DeliveryFailure(String message, boolean retryable, Duration retryAfter) {
    super(message, null, false, false);
    this.retryable = retryable;
    this.retryAfter = retryAfter;
  }

  public static DeliveryFailure permanent(String message) {
    return new DeliveryFailure(message, false, null);
  }

  public static DeliveryFailure retryable(String message) {
    return new DeliveryFailure(message, true, null);
  }

  public boolean retryable() {
    return retryable;
  }

  /** The wait the server asked for (Retry-After), or null. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
