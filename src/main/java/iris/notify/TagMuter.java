package iris.notify;

import io.vertx.core.Future;
import iris.notify.NotifyStore.Pending;
import iris.registry.Ownership;
import java.util.Optional;

/** Mutes alerts of hosts tagged ignore_alerts, under_maintenance or known_issue, or with notifications off. */
final class TagMuter implements Muter {
  @Override
  public Future<Optional<String>> mutedBecause(Pending incident, Ownership owner) {
    return Future.succeededFuture(Routing.suppressedBecause(owner));
  }
}
