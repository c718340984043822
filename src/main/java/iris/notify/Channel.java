package iris.notify;

import io.vertx.core.Future;

/**
 * A way to deliver a {@link Message}: Teams, SMTP, an HTTP email gateway. The channel renders
 * the message its own way and sends it; a failed future carries a {@link DeliveryFailure}
 * saying whether trying again can help.
 */
public interface Channel {

  /** "teams", "email" or "graph": the name in deliveries and preferences. */
  String name();

  /** True when the recipient has an address on this channel. */
  boolean reaches(Recipient recipient);

  Future<Void> send(Message message, Recipient recipient);

  /** How fast one destination of this channel may be sent to, or null for no limit. */
  default RateLimit rateLimit(Recipient recipient) {
    return null;
  }

  /** Releases connections (SMTP); most channels hold none. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }

  /** At most {@code perSecond} sends a second to the destination named by {@code key}, across the cluster. */
  record RateLimit(String key, int perSecond) {}
}
