package iris.notify;

import iris.ConfigException;
import java.time.Duration;

/**
 * An HTTP email gateway (the {@code email.gateway.*} keys): Iris POSTs each message as JSON
 * with the API key as a bearer token. The key never appears in {@link #toString()}.
 */
public record EmailGatewaySettings(String url, String apiKey, String from, Duration timeout) {

  public EmailGatewaySettings {
    url = url == null ? "" : url.strip();
    apiKey = apiKey == null ? "" : apiKey.strip();
    if (!url.startsWith("http://") && !url.startsWith("https://")) {
      throw new ConfigException("email.gateway.url (IRIS_EMAIL_GATEWAY_URL): must be an http:// or https:// URL when email.transport is gateway");
    }
    if (apiKey.isEmpty()) {
      throw new ConfigException("email.gateway.api_key (IRIS_EMAIL_GATEWAY_API_KEY): must be set when email.transport is gateway");
    }
    if (from == null || from.isBlank()) {
      throw new ConfigException("email.from (IRIS_EMAIL_FROM): must be set when email is on");
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new ConfigException("email.gateway.timeout_ms (IRIS_EMAIL_GATEWAY_TIMEOUT_MS): must be positive");
    }
  }

  @Override
  public String toString() {
    return "EmailGatewaySettings[url=" + url + ", apiKey=***, from=" + from + ", timeout=" + timeout + "]";
  }
}
