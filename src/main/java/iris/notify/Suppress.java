package iris.notify;

import io.vertx.core.Future;
import iris.notify.NotifyStore.Pending;
import iris.registry.Ownership;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The first stage for firing alerts: asks each muter in turn; the first that mutes an alert says why. */
final class Suppress {
  private final List<Muter> muters;

  Suppress(List<Muter> muters) {
    this.muters = List.copyOf(muters);
  }

  /** The reason for each muted incident of {@code firing}; those not in the map go on. */
  Future<Map<Long, String>> muted(List<Pending> firing, Map<Long, Ownership> owners) {
    Map<Long, String> reasons = new HashMap<>();
    List<Future<?>> checks = new ArrayList<>();
    for (Pending p : firing) {
      Future<Optional<String>> first = Future.succeededFuture(Optional.empty());
      for (Muter muter : muters) {
        first = first.compose(found -> found.isPresent() ? Future.succeededFuture(found) : muter.mutedBecause(p, owners.get(p.id())));
      }
      checks.add(first.onSuccess(found -> found.ifPresent(reason -> reasons.put(p.id(), reason))));
    }
    return Future.all(checks).map(v -> reasons);
  }
}
