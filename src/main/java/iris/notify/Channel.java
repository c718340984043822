package iris.notify;

import io.vertx.core.Future;

/**
 * A way to deliver a {@link Notification}: Teams, SMTP, an HTTP email gateway. A failed
 * future carries a {@link DeliveryFailure} saying whether trying again can help.
 */
public interface Channel {

  /** "teams" or "email": the name in deliveries and preferences. */
  String name();

  /** True when the recipient has an address on this channel. */
  boolean reaches(Recipient recipient);

  Future<Void> send(Notification notification, Recipient recipient);

  /** Sends a {@link Notice} (an enrollment's outcome), best effort. */
  Future<Void> sendNotice(Notice notice, Recipient recipient);

  /** Releases connections (SMTP); most channels hold none. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
