package iris.notify;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.SMTPException;
import io.vertx.ext.mail.StartTLSOptions;
import java.util.concurrent.TimeUnit;

/**
 * Email through an SMTP server (vertx-mail-client, pooled connections): one
 * multipart/alternative message with a text and an HTML part per recipient.
 *
 * <p>The SMTP reply decides whether to retry: 4xx means "not now" (421 shutting down, 450
 * mailbox busy, 451 local error, 452 out of storage, 454 auth temporarily unavailable) and
 * 5xx means "never like this" (550 no such mailbox, 553 bad address, 535 bad credentials:
 * retrying those would only lock the account). A malformed address (the client refuses
 * anything that is not one, line breaks included, before MAIL FROM) is permanent too. Any
 * other failure came without a verdict from the server (refused, reset, timed out, TLS
 * broken), so it is retried; the delivery stage's attempt limit bounds the cost when the
 * cause is a wrong host in the config.
 */
public final class SmtpChannel extends EmailChannel {
  private final SmtpSettings settings;
  private final MailClient client;

  public SmtpChannel(Vertx vertx, SmtpSettings settings, EmailRenderer renderer) {
    super(renderer);
    this.settings = settings;
    this.client = MailClient.create(vertx, mailConfig(settings));
  }

  @Override
  protected Future<Void> deliver(EmailRenderer.Email email, String to) {
    return client.sendMail(new MailMessage()
            .setFrom(settings.from())
            .setTo(to)
            .setSubject(email.subject())
            .setText(email.text())
            .setHtml(email.html()))
        .timeout(settings.sendTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .<Void>mapEmpty()
        .recover(error -> Future.failedFuture(failure(error)));
  }

  /**
   * Says QUIT on pooled connections and closes them; the channel cannot send afterwards. A
   * connection the server already dropped cannot take a QUIT, and that is no reason to fail
   * a shutdown.
   */
  @Override
  public Future<Void> close() {
    return client.close().otherwiseEmpty();
  }

  static DeliveryFailure failure(Throwable error) {
    if (error instanceof DeliveryFailure known) {
      return known;
    }
    if (error instanceof SMTPException smtp) {
      int code = smtp.getReplyCode();
      String reply = firstLine(smtp.getReplyMessage());
      String message = "SMTP server answered " + (reply.startsWith(Integer.toString(code)) ? reply : code + " " + reply);
      return new DeliveryFailure(message, code >= 400 && code < 500, null);
    }
    if (error instanceof IllegalArgumentException) {
      // the mail client checks addresses before MAIL FROM: a malformed one stays malformed
      return DeliveryFailure.permanent("the mail client refused the message: " + error.getMessage());
    }
    String what = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    return DeliveryFailure.retryable("SMTP send failed without a reply to go by: " + what);
  }

  static MailConfig mailConfig(SmtpSettings s) {
    MailConfig config = new MailConfig()
        .setHostname(s.host())
        .setPort(s.port())
        .setSsl(s.ssl())
        .setStarttls(switch (s.starttls()) {
          case NONE -> StartTLSOptions.DISABLED;
          case OPTIONAL -> StartTLSOptions.OPTIONAL;
          case REQUIRED -> StartTLSOptions.REQUIRED;
        })
        .setConnectTimeout((int) s.connectTimeout().toMillis())
        // a server that goes quiet mid-dialogue loses the connection instead of holding a pool slot
        .setIdleTimeout((int) s.sendTimeout().toMillis())
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    if (s.authenticates()) {
      // configured credentials must be used: a server that stops offering AUTH fails the send
      // rather than quietly relaying unauthenticated. PLAIN and LOGIN only: the client would
      // otherwise also offer the password as an XOAUTH2 token, one more failed login per send
      // when it is wrong, which is how accounts get locked
      config.setLogin(LoginOption.REQUIRED).setAuthMethods("PLAIN LOGIN")
          .setUsername(s.username()).setPassword(s.password());
    } else {
      config.setLogin(LoginOption.DISABLED);
    }
    return config;
  }

  private static String firstLine(String reply) {
    if (reply == null) {
      return "";
    }
    String line = reply.lines().findFirst().orElse("").strip();
    return line.length() > 200 ? line.substring(0, 200) : line;
  }
}
