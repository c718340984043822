package iris.notify;

import iris.ConfigException;
import java.time.Duration;
import java.util.Locale;

/**
 * How Iris reaches its SMTP server (the {@code email.smtp.*} keys). An empty username means
 * no SMTP AUTH. The password never appears in {@link #toString()}.
 *
 * @param ssl TLS from the first byte (SMTPS, usually port 465), as opposed to STARTTLS
 * @param from the sender, a bare address or {@code "Iris <iris@example.com>"}
 * @param sendTimeout the most one message may take, connection and TLS included
 */
public record SmtpSettings(
    String host,
    int port,
    StartTls starttls,
    boolean ssl,
    String username,
    String password,
    String from,
    Duration connectTimeout,
    Duration sendTimeout) {

  /** Whether to upgrade a plain connection with STARTTLS. */
  public enum StartTls {
    NONE, OPTIONAL, REQUIRED;

    public static StartTls parse(String value) {
      try {
        return valueOf(value.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("email.smtp.starttls (IRIS_EMAIL_SMTP_STARTTLS): must be none, optional or required, not \"" + value + "\"");
      }
    }
  }

  public SmtpSettings {
    username = username == null ? "" : username.strip();
    password = password == null ? "" : password;
    starttls = starttls == null ? StartTls.OPTIONAL : starttls;
    if (host == null || host.isBlank()) {
      throw new ConfigException("email.smtp.host (IRIS_EMAIL_SMTP_HOST): must be set when email.transport is smtp");
    }
    if (port < 1 || port > 65535) {
      throw new ConfigException("email.smtp.port (IRIS_EMAIL_SMTP_PORT): must be between 1 and 65535");
    }
    if (from == null || from.isBlank()) {
      throw new ConfigException("email.from (IRIS_EMAIL_FROM): must be set when email is on");
    }
    if (ssl && starttls == StartTls.REQUIRED) {
      throw new ConfigException("email.smtp.ssl (IRIS_EMAIL_SMTP_SSL): a connection that is TLS from the start cannot also require STARTTLS");
    }
    if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()
        || sendTimeout == null || sendTimeout.isNegative() || sendTimeout.isZero()) {
      throw new ConfigException("email.smtp.connect_timeout_ms / email.smtp.send_timeout_ms: must be positive");
    }
    if (username.isEmpty() != password.isEmpty()) {
      throw new ConfigException("email.smtp.username / email.smtp.password (IRIS_EMAIL_SMTP_PASSWORD): set both or neither");
    }
  }

  public boolean authenticates() {
    return !username.isEmpty();
  }

  @Override
  public String toString() {
    return "SmtpSettings[host=" + host + ", port=" + port + ", starttls=" + starttls + ", ssl=" + ssl
        + ", username=" + (username.isEmpty() ? "unset" : username) + ", password=" + (password.isEmpty() ? "unset" : "***")
        + ", from=" + from + ", connectTimeout=" + connectTimeout + ", sendTimeout=" + sendTimeout + "]";
  }
}
