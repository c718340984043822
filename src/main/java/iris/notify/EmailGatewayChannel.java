package iris.notify;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * Email through an HTTP gateway: {@code POST <url>} with
 * {@code {"from", "to": [...], "subject", "text", "html"}} and {@code Authorization: Bearer <api key>}.
 * A 2xx is delivered; 429 and 5xx are retried (after the server's Retry-After when it sent
 * one), as are requests that got no answer; any other status is permanent, since the same
 * request will be refused the same way.
 */
public final class EmailGatewayChannel extends EmailChannel {
  private static final int BODY_IN_MESSAGE = 300;

  private final WebClient client;
  private final EmailGatewaySettings settings;
  private final Clock clock;

  public EmailGatewayChannel(WebClient client, EmailGatewaySettings settings, EmailRenderer renderer, Clock clock) {
    super(renderer);
    this.client = client;
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  protected Future<Void> deliver(EmailRenderer.Email email, String to) {
    JsonObject body = new JsonObject()
        .put("from", settings.from())
        .put("to", new JsonArray().add(to))
        .put("subject", email.subject())
        .put("text", email.text())
        .put("html", email.html());
    long timeout = settings.timeout().toMillis();
    return client.postAbs(settings.url())
        .putHeader("Authorization", "Bearer " + settings.apiKey())
        .timeout(timeout)
        .sendJsonObject(body)
        .timeout(timeout, TimeUnit.MILLISECONDS)
        .recover(error -> Future.failedFuture(
            DeliveryFailure.retryable("email gateway not reached: " + redact(String.valueOf(error.getMessage())))))
        .compose(this::outcome);
  }

  private Future<Void> outcome(HttpResponse<Buffer> response) {
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return Future.succeededFuture();
    }
    String message = "email gateway answered " + status + excerpt(response.bodyAsString());
    if (status == 429 || status >= 500) {
      return Future.failedFuture(new DeliveryFailure(message, true, RetryAfter.parse(response.getHeader("Retry-After"), clock.instant())));
    }
    return Future.failedFuture(DeliveryFailure.permanent(message));
  }

  /** The start of the gateway's error body, which usually says what it disliked. */
  private String excerpt(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    String oneLine = body.replaceAll("\\s+", " ").strip();
    return ": " + redact(oneLine.length() > BODY_IN_MESSAGE ? oneLine.substring(0, BODY_IN_MESSAGE) + "…" : oneLine);
  }

  /** Failure messages end up in logs and the deliveries table; a gateway echoing our headers must not leak the key. */
  private String redact(String text) {
    return text.replace(settings.apiKey(), "***");
  }
}
