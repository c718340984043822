package iris.maintenance;

import io.vertx.core.Future;
import iris.maintenance.MaintenanceStore.Live;
import iris.notify.Muter;
import iris.notify.NotifyStore.Pending;
import iris.registry.Ownership;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Mutes alerts in the scope of a running maintenance window, and records which occurrence muted
 * which incident (so its end can send on those still firing). The running occurrences are read at
 * most once per {@link #FRESH} and again at once when a window changes anywhere in the cluster.
 */
public final class MaintenanceMuter implements Muter {
  static final Duration FRESH = Duration.ofSeconds(1);

  private final MaintenanceStore store;
  private final Clock clock;
  private volatile Future<List<Live>> live;
  private volatile Instant loadedAt = Instant.MIN;

  public MaintenanceMuter(MaintenanceStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** A window changed: the next alert reads the running occurrences again. */
  public void invalidate() {
    loadedAt = Instant.MIN;
  }

  @Override
  public Future<Optional<String>> mutedBecause(Pending incident, Ownership owner) {
    Instant now = clock.instant();
    return live(now).compose(running -> {
      for (Live l : running) {
        boolean ended = !l.occurrence().endsAt().isAfter(now) && !l.occurrence().state().equals("active");
        if (!ended && l.window().scope().covers(incident.labels(), hostPart(incident.instance()), owner)) {
          String reason = reason(l);
          return store.muted(l.occurrence().id(), incident.id(), now).map(v -> Optional.of(reason));
        }
      }
      return Future.succeededFuture(Optional.<String>empty());
    });
  }

  static String reason(Live l) {
    return "maintenance window " + l.window().id() + ": \"" + l.window().title() + "\"";
  }

  private Future<List<Live>> live(Instant now) {
    Future<List<Live>> current = live;
    if (current == null || loadedAt.plus(FRESH).isBefore(now) || current.failed()) {
      loadedAt = now;
      current = store.live(now);
      live = current;
    }
    return current;
  }

  /** The host part of an instance ("db1:9100" → "db1", "[::1]:9100" → "::1"). */
  static String hostPart(String instance) {
    if (instance == null) {
      return null;
    }
    if (instance.startsWith("[")) {
      int end = instance.indexOf(']');
      return end > 0 ? instance.substring(1, end) : instance;
    }
    int colon = instance.lastIndexOf(':');
    return colon > 0 && instance.indexOf(':') == colon ? instance.substring(0, colon) : instance;
  }
}
