package iris.db;

import io.vertx.core.Future;
import java.time.Duration;

/**
 * Short-lived, cluster-wide state with expiry: send keys, rate limits, caches, locks, counters.
 * Redis in a cluster; {@link LocalSharedState} on a single node.
 */
public interface SharedState {

  /** Sets {@code key} only if absent; true when this call set it (the caller "owns" it). */
  Future<Boolean> setIfAbsent(String key, String value, Duration ttl);

  Future<Void> set(String key, String value, Duration ttl);

  /** The value, or null when absent or expired. */
  Future<String> get(String key);

  Future<Void> delete(String key);

  /** Adds one and returns the new value; the expiry is set when the key is created. */
  Future<Long> increment(String key, Duration ttl);

  /** Succeeds when the backing store answers; used by the readiness check. */
  Future<Void> ping();

  /** "redis" or "local", for health output. */
  String kind();

  Future<Void> close();
}
