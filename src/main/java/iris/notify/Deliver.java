package iris.notify;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import iris.IrisConfig;
import iris.db.Coalescer;
import iris.db.SharedState;
import iris.incident.Pipeline;
import iris.notify.Outbox.Delivery;
import iris.registry.Ownership.Contact;
import iris.registry.OwnershipStore;
import iris.trace.Traces;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends outbox rows: claims one (lease + claim token), skips it when the send key says it went
 * out already, waits for the destination's rate slot, proves it still holds the claim right
 * before posting, sends, and records the outcome through {@link Retry}: sent, tried again
 * later, or failed for good. Sends in flight on this node are bounded; a row left for later is
 * picked up by the outbox's poll.
 */
final class Deliver {
  private static final Logger LOG = LoggerFactory.getLogger(Deliver.class);

  private final Vertx vertx;
  private final Outbox outbox;
  private final Pipeline pipeline;
  private final OwnershipStore owners;
  private final SharedState shared;
  private final Map<String, Channel> channels;
  private final IrisConfig.Notify config;
  private final Dedup dedup;
  private final Retry retry;
  private final Clock clock;
  private final int maxInFlight;
  private final MeterRegistry registry;
  private int inFlight;
  /** Rows and recipients of the sends that start together, read in one statement each. */
  private final Coalescer<Long, Delivery> claims;
  private final Coalescer<String, Contact> contacts;
  /** Sends that finished together are marked sent and settle their incidents in one statement. */
  private final Coalescer<Delivery, Void> settles;
  /** A claim younger than this (on this JVM's clock) is sure to hold through one send: see {@link #send}. */
  private static final long FRESH_CLAIM_NANOS = Duration.ofSeconds(1).toNanos();

  Deliver(Vertx vertx, Outbox outbox, Pipeline pipeline, OwnershipStore owners, SharedState shared, Map<String, Channel> channels,
      IrisConfig.Notify config, Clock clock, int maxInFlight, MeterRegistry registry) {
    this.vertx = vertx;
    this.outbox = outbox;
    this.pipeline = pipeline;
    this.owners = owners;
    this.shared = shared;
    this.channels = channels;
    this.config = config;
    this.dedup = new Dedup(shared, Duration.ofSeconds(1));
    this.retry = new Retry(config.maxAttempts(), config.retryBase());
    this.clock = clock;
    this.maxInFlight = maxInFlight;
    this.registry = registry;
    this.claims = new Coalescer<>(vertx.getOrCreateContext(), maxInFlight, ids -> outbox.claim(ids, lease()));
    this.contacts = new Coalescer<>(vertx.getOrCreateContext(), maxInFlight, owners::contacts);
    this.settles = new Coalescer<>(vertx.getOrCreateContext(), maxInFlight, sent -> {
      List<Long> ids = sent.stream().map(Delivery::id).toList();
      return pipeline.settle(ids, sent.stream().flatMap(d -> d.incidentIds().stream()).toList(), Outbox.markSent(ids))
          .map(v -> Collections.<Void>nCopies(sent.size(), null));
    });
  }

  /** How long a claim holds: longer than one send can take (the channel's timeout), with a margin. */
  Duration lease() {
    return config.timeout().multipliedBy(2).plusSeconds(5);
  }

  /** True when this node can take another send now. */
  boolean hasRoom() {
    return inFlight < maxInFlight;
  }

  /** Claims and sends one row, unless this node is at its bound (the poll takes it later). */
  Future<Void> attempt(long id) {
    if (!hasRoom()) {
      return Future.succeededFuture();
    }
    inFlight++;
    long claimedAt = System.nanoTime(); // before the claim's statement: the lease began after this
    return claims.add(id)
        .compose(d -> d == null ? Future.<Void>succeededFuture() : Traces.claimed("iris.notify.deliver", d.traceParent(),
            Map.of("iris.delivery.id", d.id(), "iris.delivery.attempt", d.attempts(), "iris.delivery.channel", d.channel()),
            () -> send(d, claimedAt)))
        .onFailure(e -> LOG.warn("Delivery {} could not be recorded (the outbox poll tries again): {}", id, e.toString()))
        .onComplete(done -> inFlight--);
  }

  private Future<Void> send(Delivery d, long claimedAt) {
    return dedup.sentBefore(d.sendKey()).compose(sent -> {
      if (sent) {
        count(d, "deduplicated");
        return recordSent(d); // a node sent it and died before the row said so
      }
      return recipient(d).compose(recipient -> {
        Channel channel = channels.get(d.channel());
        if (channel == null || recipient == null || !channel.reaches(recipient)) {
          return failed(d, DeliveryFailure.permanent(recipient == null
              ? "recipient " + d.recipient() + " no longer exists"
              : "no " + d.channel() + " address or channel for " + d.recipient()));
        }
        long giveUpAt = clock.millis() + lease().toMillis() / 2;
        return rateSlot(channel.rateLimit(recipient), giveUpAt, true).compose(slot -> {
          if (slot == Slot.NONE) {
            // The destination is busy for longer than this claim should be held: back in the queue.
            count(d, "rate_limited");
            return outbox.later(d, Duration.ofSeconds(1));
          }
          // A claim taken moments ago, with no wait since, holds for longer than the send may take
          // (the lease is twice the timeout plus 5 s): proving it again would only cost a statement.
          boolean fresh = slot == Slot.AT_ONCE && System.nanoTime() - claimedAt < FRESH_CLAIM_NANOS;
          return (fresh ? Future.succeededFuture(true) : outbox.fence(d, lease())).compose(mine -> {
              if (!mine) {
                count(d, "lost_claim");
                LOG.info("Delivery {} was claimed elsewhere while it waited: not sent here", d.id());
                return Future.succeededFuture();
              }
              return channel.send(d.message(), recipient).transform(done -> done.succeeded()
                  ? dedup.markSent(d.sendKey()).compose(x -> recordSent(d))
                  : failed(d, done.cause()));
          });
        });
      });
    });
  }

  private Future<Void> recordSent(Delivery d) {
    count(d, "sent");
    return settles.add(d);
  }

  private Future<Recipient> recipient(Delivery d) {
    if (Routing.DEFAULT.equals(d.recipient())) {
      return Future.succeededFuture(Routing.defaultRecipient(config));
    }
    return contacts.add(d.recipient()).map(c -> c == null ? null : Recipient.of(c));
  }

  /** A destination's rate slot: given at once, given after a wait, or not before the claim should be given up. */
  private enum Slot { AT_ONCE, AFTER_WAIT, NONE }

  /** Waits for a slot of the destination's per-second budget, shared across the cluster; NONE after {@code giveUpAt}. */
  private Future<Slot> rateSlot(Channel.RateLimit limit, long giveUpAt, boolean first) {
    if (limit == null) {
      return Future.succeededFuture(Slot.AT_ONCE);
    }
    long now = clock.millis();
    long second = now / 1000;
    // A shared state that cannot answer costs the limit, never the message.
    return shared.increment("rate:" + limit.key() + ":" + second, Duration.ofSeconds(2)).otherwise(0L).compose(n -> {
      if (n <= limit.perSecond()) {
        return Future.succeededFuture(first ? Slot.AT_ONCE : Slot.AFTER_WAIT);
      }
      long next = (second + 1) * 1000 + 1;
      if (next > giveUpAt) {
        return Future.succeededFuture(Slot.NONE);
      }
      return vertx.timer(Math.max(1, next - clock.millis())).compose(v -> rateSlot(limit, giveUpAt, false));
    });
  }

  private Future<Void> failed(Delivery d, Throwable e) {
    DeliveryFailure failure = e instanceof DeliveryFailure f ? f : DeliveryFailure.retryable(String.valueOf(e.getMessage()));
    String error = failure.getMessage();
    var wait = retry.after(failure, d.attempts());
    if (wait.isEmpty()) {
      count(d, "failed");
      LOG.warn("Delivery {} ({} to {}) failed for good after {} attempts: {}", d.id(), d.channel(), d.recipient(), d.attempts(), error);
      return outbox.failed(d, error).compose(v -> pipeline.settle(0, d.incidentIds()));
    }
    count(d, "retry");
    LOG.info("Delivery {} ({} to {}) attempt {} failed, retrying in {}: {}", d.id(), d.channel(), d.recipient(), d.attempts(),
        wait.get(), error);
    long waitMs = wait.get().toMillis();
    return outbox.retryAt(d, error, wait.get()).onSuccess(v -> vertx.setTimer(Math.max(1, waitMs), t -> attempt(d.id())));
  }

  private void count(Delivery d, String outcome) {
    Counter.builder("iris_deliveries_total").description("Outbox sends by channel, kind and outcome")
        .tag("channel", d.channel()).tag("kind", d.kind()).tag("outcome", outcome).register(registry).increment();
  }
}
