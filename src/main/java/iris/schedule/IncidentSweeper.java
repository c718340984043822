package iris.schedule;

import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import iris.EventAddress;
import iris.incident.IncidentEvents;
import iris.incident.IncidentStore;

/**
 * Re-announces incidents left in "received" or "enriched" past their lease: the node that
 * took them may have died mid-flight. Each pass extends the lease, so nothing is announced in a tight loop.
 */
public final class IncidentSweeper {
  private final IncidentStore store;
  private final EventBus eventBus;
  private final int limit;

  public IncidentSweeper(IncidentStore store, EventBus eventBus, int limit) {
    this.store = store;
    this.eventBus = eventBus;
    this.limit = limit;
  }

  /** One pass; returns how many incidents were re-announced. */
  public Future<Integer> sweep() {
    Future<Integer> received = store.claimExpired(limit).map(claimed -> {
      IncidentEvents.announce(eventBus, claimed);
      return claimed.size();
    });
    // Enriched incidents whose notification did not happen (a node died, a flaky hold ended).
    Future<Integer> enriched = store.claimExpired("enriched", limit).map(claimed -> {
      IncidentEvents.announce(eventBus, EventAddress.INCIDENT_ENRICHED, claimed);
      return claimed.size();
    });
    return Future.all(received, enriched).map(v -> received.result() + enriched.result());
  }
}
