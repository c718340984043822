package iris.notify;

import io.vertx.core.Future;

/**
 * What every email transport shares: the "email" channel name, who it reaches, and rendering
 * notifications and notices (reports come rendered) into one {@link EmailRenderer.Email}. A transport only delivers it.
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
  public final Future<Void> send(Message message, Recipient recipient) {
    Future<EmailRenderer.Email> email;
    if (message instanceof Report r) {
      email = r.html() == null || r.text() == null ? Future.failedFuture(DeliveryFailure.permanent("the report has no email"))
          : Future.succeededFuture(new EmailRenderer.Email(EmailRenderer.oneLine(r.subject()), r.text(), r.html()));
    } else {
      email = message instanceof Notification n ? renderer.renderForDelivery(n) : renderer.renderNotice((Notice) message);
    }
    return email.compose(e -> deliver(e, recipient.email().strip()));
  }

  /** Sends one rendered email; a failed future carries a {@link DeliveryFailure}. */
  protected abstract Future<Void> deliver(EmailRenderer.Email email, String to);
}
