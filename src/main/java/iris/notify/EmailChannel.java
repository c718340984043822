package iris.notify;

import io.vertx.core.Future;

/**
 * What every email transport shares: the "email" channel name, who it reaches, and rendering
 * notifications and notices into one {@link EmailRenderer.Email}. A transport only delivers it.
 */
abstract class EmailChannel implements Channel {
  private final EmailRenderer renderer;

  EmailChannel(EmailRenderer renderer) {
    this.renderer = renderer;
  }

  @Override
  public final String name() {
    return "email";
  }

  @Override
  public final boolean reaches(Recipient recipient) {
    return recipient.email() != null && !recipient.email().isBlank();
  }

  @Override
  public final Future<Void> send(Notification notification, Recipient recipient) {
    return renderer.renderForDelivery(notification).compose(email -> deliver(email, recipient.email().strip()));
  }

  @Override
  public final Future<Void> sendNotice(Notice notice, Recipient recipient) {
    return renderer.renderNotice(notice).compose(email -> deliver(email, recipient.email().strip()));
  }

  /** Sends one rendered email; a failed future carries a {@link DeliveryFailure}. */
  protected abstract Future<Void> deliver(EmailRenderer.Email email, String to);
}
