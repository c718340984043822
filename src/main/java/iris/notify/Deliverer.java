package iris.notify;

import iris.Hashes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import iris.IrisConfig;
import iris.db.SharedState;
import iris.notify.NotifyStore.Delivery;
import iris.registry.OwnershipStore;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one delivery row: claims it (a lease, so one node at a time), takes its send key in
 * shared state (so a re-drive, another node or a restart does not send it again), waits for
 * the Teams webhook's rate slot, sends, and records the outcome: sent, a retry after an
 * exponential backoff (or the server's Retry-After), or failed for good.
 */
final class Deliverer {
  private static final Logger LOG = LoggerFactory.getLogger(Deliverer.class);
  private static final Duration SENT_KEY_TTL = Duration.ofDays(3);
  private static final Duration MAX_WAIT = Duration.ofHours(1);

  private final Vertx vertx;
  private final NotifyStore store;
  private final OwnershipStore owners;
  private final SharedState shared;
  private final Map<String, Channel> channels;
  private final IrisConfig.Notify config;

  Deliverer(Vertx vertx, NotifyStore store, OwnershipStore owners, SharedState shared, Map<String, Channel> channels,
      IrisConfig.Notify config) {
    this.vertx = vertx;
    this.store = store;
    this.owners = owners;
    this.shared = shared;
    this.channels = channels;
    this.config = config;
  }

  /** How long a claim holds: three send timeouts and a margin. */
  Duration lease() {
    return config.timeout().multipliedBy(3).plusSeconds(5);
  }

  Future<Void> attempt(long id) {
    return store.claim(id, lease()).compose(delivery -> delivery == null ? Future.succeededFuture() : send(delivery, null));
  }

  /**
   * Sends a delivery this node has claimed.
   *
   * @param known the recipient as routing just read it from the registry, or null to look it up
   */
  Future<Void> send(Delivery d, Recipient known) {
    String key = "send:" + d.sendKey();
    return shared.setIfAbsent(key, "sending", lease()).compose(mine -> {
      if (!mine) {
        // Sent already (the row missed it: a crash between send and update) or being sent elsewhere.
        return shared.get(key).compose(v -> "sent".equals(v) ? store.sentAndSettle(d.id(), d.incidentIds()) : Future.succeededFuture());
      }
      return (known != null ? Future.succeededFuture(known) : recipient(d)).compose(recipient -> {
        Channel channel = channels.get(d.channel());
        if (channel == null || recipient == null || !channel.reaches(recipient)) {
          return Future.failedFuture(DeliveryFailure.permanent(recipient == null
              ? "recipient " + d.recipient() + " no longer exists"
              : "no " + d.channel() + " address or channel for " + d.recipient()));
        }
        return rateSlot(d, recipient).compose(v -> channel.send(NotificationJson.from(d.payload()), recipient));
      }).compose(v -> shared.set(key, "sent", SENT_KEY_TTL).otherwiseEmpty()
              .compose(x -> store.sentAndSettle(d.id(), d.incidentIds())),
          e -> shared.delete(key).otherwiseEmpty().compose(x -> failed(d, e)));
    });
  }

  private Future<Recipient> recipient(Delivery d) {
    if (Routing.DEFAULT.equals(d.recipient())) {
      return Future.succeededFuture(Routing.defaultRecipient(config));
    }
    return owners.contact(d.recipient()).map(c -> c == null ? null : new Recipient(c.name(), c.email(), c.teamsWebhookUrl()));
  }

  /** Teams allows about 4 requests a second per webhook: wait for a slot instead of being throttled. */
  private Future<Void> rateSlot(Delivery d, Recipient recipient) {
    if (!"teams".equals(d.channel())) {
      return Future.succeededFuture();
    }
    long second = System.currentTimeMillis() / 1000;
    String key = "rate:teams:" + Hashes.sha256Hex(recipient.teamsWebhookUrl()).substring(0, 16) + ":" + second;
    return shared.increment(key, Duration.ofSeconds(2)).compose(n -> {
      if (n <= config.teamsRatePerSecond()) {
        return Future.succeededFuture();
      }
      long wait = (second + 1) * 1000 - System.currentTimeMillis() + 1;
      return vertx.timer(Math.max(1, wait)).compose(v -> rateSlot(d, recipient));
    });
  }

  private Future<Void> failed(Delivery d, Throwable e) {
    DeliveryFailure failure = e instanceof DeliveryFailure f ? f : DeliveryFailure.retryable(String.valueOf(e.getMessage()));
    String error = failure.getMessage();
    if (!failure.retryable() || d.attempts() >= config.maxAttempts()) {
      LOG.warn("Delivery {} ({} to {}) failed for good after {} attempts: {}", d.id(), d.channel(), d.recipient(), d.attempts(), error);
      return store.failed(d.id(), error).compose(v -> store.settle(d.incidentIds()));
    }
    Duration backoff = config.retryBase().multipliedBy(1L << Math.min(20, d.attempts() - 1));
    Duration wait = failure.retryAfter() != null && failure.retryAfter().compareTo(backoff) > 0 ? failure.retryAfter() : backoff;
    if (wait.compareTo(MAX_WAIT) > 0) {
      wait = MAX_WAIT;
    }
    LOG.info("Delivery {} ({} to {}) attempt {} failed, retrying in {}: {}", d.id(), d.channel(), d.recipient(), d.attempts(), wait, error);
    long waitMs = wait.toMillis();
    return store.retryAt(d.id(), error, wait).onSuccess(v -> vertx.setTimer(Math.max(1, waitMs), t -> attempt(d.id())));
  }
}
