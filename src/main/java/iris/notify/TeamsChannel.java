package iris.notify;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import iris.Hashes;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Microsoft Teams through a Workflows ("When a Teams webhook request is received") or
 * incoming-webhook URL: one Adaptive Card per notification. The URL carries the flow's
 * signature, so failures name the recipient and never the URL.
 */
public final class TeamsChannel implements Channel {
  private final WebClient client;
  private final Duration timeout;
  private final Clock clock;
  private final int perSecond;

  public TeamsChannel(WebClient client, Duration timeout) {
    this(client, timeout, Clock.systemUTC(), 0);
  }

  /**
   * @param clock turns a Retry-After date into a wait
   * @param perSecond sends a second to one webhook (0 = no limit)
   */
  public TeamsChannel(WebClient client, Duration timeout, Clock clock, int perSecond) {
    this.client = client;
    this.timeout = timeout;
    this.clock = clock;
    this.perSecond = perSecond;
  }

  @Override
  public String name() {
    return "teams";
  }

  @Override
  public boolean reaches(Recipient recipient) {
    return recipient != null && recipient.teamsWebhookUrl() != null && !recipient.teamsWebhookUrl().isBlank();
  }

  @Override
  public Future<Void> send(Message message, Recipient recipient) {
    JsonObject card = message instanceof Report r ? r.card()
        : message instanceof Notification n ? AdaptiveCard.message(n, mention(message, recipient))
        : AdaptiveCard.notice((Notice) message);
    if (card == null) {
      return Future.failedFuture(DeliveryFailure.permanent("the report has no Teams message"));
    }
    return post(card.toBuffer(), recipient);
  }

  /**
   * The @mention a critical card carries for a recipient who asked for mentions: Workflows
   * cards name the user by Azure AD object id when it is known, else by UPN (the email).
   */
  static AdaptiveCard.Mention mention(Message message, Recipient recipient) {
    if (recipient == null || !recipient.mention() || !AdaptiveCard.callsForMention(message)) {
      return null;
    }
    String id = recipient.aadObjectId() != null ? recipient.aadObjectId() : recipient.email();
    return id == null || id.isBlank() ? null : new AdaptiveCard.Mention(id, recipient.name());
  }

  /** Teams allows about 4 requests a second per webhook: wait for a slot instead of being throttled. */
  @Override
  public RateLimit rateLimit(Recipient recipient) {
    return reaches(recipient) && perSecond > 0
        ? new RateLimit("teams:" + Hashes.sha256Hex(recipient.teamsWebhookUrl().strip()).substring(0, 16), perSecond) : null;
  }

  private Future<Void> post(Buffer card, Recipient recipient) {
    String who = Recipient.who(recipient);
    if (!reaches(recipient)) {
      return Future.failedFuture(DeliveryFailure.permanent(who + " has no Teams webhook"));
    }
    String url = recipient.teamsWebhookUrl().strip();
    if (!AdaptiveCard.isWebUrl(url)) {
      return Future.failedFuture(DeliveryFailure.permanent("the Teams webhook of " + who + " is not an http(s) URL"));
    }
    long millis = timeout.toMillis();
    return client.postAbs(url)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        // Bounds both the wait for a pooled connection and silence on it, and resets the request
        // when it fires. A deadline on the future alone would leave the request queued, to be
        // sent after the retry: a card twice.
        .timeout(millis)
        .sendBuffer(card)
        .transform(done -> done.succeeded() ? answered(done.result(), who) : Future.failedFuture(unreachable(done.cause(), who)))
        // one place that sees every failure, so no message can carry the secret out
        .recover(e -> Future.failedFuture(redacted(e, url)));
  }

  private Future<Void> answered(HttpResponse<Buffer> response, String who) {
    DeliveryFailure failure = TeamsAnswer.failure(who, response.statusCode(), response.getHeader("Retry-After"),
        response.bodyAsString(), clock.instant());
    return failure == null ? Future.succeededFuture() : Future.failedFuture(failure);
  }

  /** A timeout or a network error: the message may not have arrived, so another try is fair. */
  private DeliveryFailure unreachable(Throwable cause, String who) {
    if (cause instanceof TimeoutException) {
      return DeliveryFailure.retryable("Teams webhook for " + who + " did not answer within " + timeout.toMillis() + " ms");
    }
    String reason = cause.getMessage() == null ? "" : ": " + cause.getMessage();
    return DeliveryFailure.retryable("Teams webhook for " + who + " unreachable (" + cause.getClass().getSimpleName() + reason + ")");
  }

  private static DeliveryFailure redacted(Throwable e, String url) {
    if (e instanceof DeliveryFailure f) {
      return new DeliveryFailure(redact(f.getMessage(), url), f.retryable(), f.retryAfter());
    }
    // not expected: a bug on this side, which another try will not fix
    return DeliveryFailure.permanent("Teams delivery failed: " + redact(String.valueOf(e), url));
  }

  /**
   * Removes the URL and its secret parts from text bound for logs and the deliveries table:
   * Vert.x names the request path in its errors, and the query holds the signature.
   */
  static String redact(String text, String url) {
    Set<String> secrets = new LinkedHashSet<>();
    secrets.add(url);
    try {
      URI uri = new URI(url);
      add(secrets, uri.getRawPath());
      add(secrets, uri.getRawQuery());
      add(secrets, uri.getPath());
      add(secrets, uri.getQuery());
      if (uri.getRawQuery() != null) {
        for (String param : uri.getRawQuery().split("&")) {
          int eq = param.indexOf('=');
          add(secrets, eq < 0 ? null : param.substring(eq + 1));
          add(secrets, eq < 0 ? null : URLDecoder.decode(param.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    } catch (URISyntaxException e) {
      // not a URI: the whole string is all we can remove
    }
    String out = text;
    for (String secret : secrets.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList()) {
      out = out.replace(secret, "[webhook]");
    }
    return out;
  }

  /** Short values (a path of "/", "api-version=1") would blank out ordinary words. */
  private static void add(Set<String> secrets, String part) {
    if (part != null && part.length() >= 8) {
      secrets.add(part);
    }
  }
}
