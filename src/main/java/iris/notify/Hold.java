package iris.notify;

import iris.notify.NotifyStore.Pending;
import iris.registry.Ownership;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * Holds the alerts of hosts tagged flaky until they have fired for {@code hold}: a flapping
 * alert that resolves before then is never notified.
 */
final class Hold {
  private final Duration hold;
  private final Clock clock;

  Hold(Duration hold, Clock clock) {
    this.hold = hold;
    this.clock = clock;
  }

  /** Until when to hold {@code p}, or empty to let it go on now. */
  Optional<OffsetDateTime> until(Pending p, Ownership owner) {
    if (owner == null || !Routing.flaky(owner) || p.startsAt() == null) {
      return Optional.empty();
    }
    OffsetDateTime due = p.startsAt().plus(hold);
    return due.toInstant().isAfter(clock.instant()) ? Optional.of(due) : Optional.empty();
  }

  String reason(Ownership owner) {
    return "host " + owner.hostname() + " is tagged flaky: held until it fires for " + hold.toMinutes() + " min";
  }
}
