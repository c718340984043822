package iris.notify;

import io.vertx.core.Future;
import iris.notify.NotifyStore.Pending;
import iris.registry.Ownership;
import java.util.Optional;

/**
 * Decides that an alert must not be notified, and says why. Host tags are one muter;
 * maintenance windows will be another, added to the notifier's list without touching routing.
 */
public interface Muter {
  Future<Optional<String>> mutedBecause(Pending incident, Ownership owner);
}
