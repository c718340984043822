package iris.knowledge;

import io.vertx.core.Future;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Answers to read questions kept for a few seconds: alerts of one kind in a storm ask the same
 * question many times. Forgotten at once when this node writes to the knowledge base (other
 * nodes' writes show within the time to live); an answer that was being computed across a
 * write is not kept.
 */
final class RecentAnswers<V> {
  private record Recent<V>(V value, long until) {}

  private final long ttlMillis;
  private final AtomicLong writes = new AtomicLong();
  private final Map<String, Recent<V>> recent;

  RecentAnswers(long ttlMillis, int maxEntries) {
    this.ttlMillis = ttlMillis;
    this.recent = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Recent<V>> eldest) {
        return size() > maxEntries;
      }
    });
  }

  /** The kept answer to {@code key}, else {@code compute}'s, kept when {@code keep} is true. */
  Future<V> get(String key, boolean keep, Supplier<Future<V>> compute) {
    long now = System.currentTimeMillis();
    Recent<V> hit = recent.get(key);
    if (hit != null && hit.until() > now && keep) {
      return Future.succeededFuture(hit.value());
    }
    long generation = writes.get();
    return compute.get().onSuccess(value -> {
      if (keep && generation == writes.get()) {
        recent.put(key, new Recent<>(value, now + ttlMillis));
      }
    });
  }

  /** A write happened: nothing kept so far may be answered again. */
  void forget() {
    writes.incrementAndGet();
    recent.clear();
  }
}
