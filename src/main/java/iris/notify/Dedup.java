package iris.notify;

import io.vertx.core.Future;
import iris.db.SharedState;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fast check that a message went out already: a send key in shared state (Redis in a
 * cluster) set right after each send. The outbox row is the truth; this only closes the gap of
 * a node that sent and died before recording it. Every command has a timeout, and a shared
 * state that is down or hung counts as "not known to be sent".
 */
final class Dedup {
  private static final Logger LOG = LoggerFactory.getLogger(Dedup.class);
  private static final Duration SENT_KEY_TTL = Duration.ofDays(3);

  private final SharedState shared;
  private final Duration timeout;

  Dedup(SharedState shared, Duration timeout) {
    this.shared = shared;
    this.timeout = timeout;
  }

  Future<Boolean> sentBefore(String sendKey) {
    return shared.get(key(sendKey)).timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .map("sent"::equals)
        .otherwise(e -> {
          LOG.debug("Shared state did not answer for a send key ({}); the outbox decides alone", e.toString());
          return false;
        });
  }

  Future<Void> markSent(String sendKey) {
    return shared.set(key(sendKey), "sent", SENT_KEY_TTL).timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .otherwise(e -> null);
  }

  private static String key(String sendKey) {
    return "send:" + sendKey;
  }
}
