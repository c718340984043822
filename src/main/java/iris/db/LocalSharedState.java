package iris.db;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** {@link SharedState} inside one JVM, for single-node deployments without Redis. */
public final class LocalSharedState implements SharedState {
  private record Entry(String value, long expiresAtMillis) {
    boolean expired(long now) {
      return now >= expiresAtMillis;
    }
  }

  private final ConcurrentMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final Clock clock;

  public LocalSharedState(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Future<Boolean> setIfAbsent(String key, String value, Duration ttl) {
    long now = clock.millis();
    Entry fresh = new Entry(value, now + ttl.toMillis());
    boolean[] won = {false};
    entries.compute(key, (k, old) -> {
      if (old == null || old.expired(now)) {
        won[0] = true;
        return fresh;
      }
      return old;
    });
    return Future.succeededFuture(won[0]);
  }

  @Override
  public Future<Void> set(String key, String value, Duration ttl) {
    entries.put(key, new Entry(value, clock.millis() + ttl.toMillis()));
    return Future.succeededFuture();
  }

  @Override
  public Future<String> get(String key) {
    Entry entry = entries.get(key);
    if (entry == null || entry.expired(clock.millis())) {
      return Future.succeededFuture(null);
    }
    return Future.succeededFuture(entry.value());
  }

  @Override
  public Future<Void> delete(String key) {
    entries.remove(key);
    return Future.succeededFuture();
  }

  @Override
  public Future<Long> increment(String key, Duration ttl) {
    long now = clock.millis();
    Entry updated = entries.compute(key, (k, old) -> old == null || old.expired(now)
        ? new Entry("1", now + ttl.toMillis())
        : new Entry(Long.toString(Long.parseLong(old.value()) + 1), old.expiresAtMillis()));
    return Future.succeededFuture(Long.parseLong(updated.value()));
  }

  @Override
  public Future<Void> ping() {
    entries.values().removeIf(e -> e.expired(clock.millis()));
    return Future.succeededFuture();
  }

  @Override
  public String kind() {
    return "local";
  }

  @Override
  public Future<Void> close() {
    entries.clear();
    return Future.succeededFuture();
  }
}
