package iris.notify;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;

/**
 * What Graph's answer to a chatMessage post means for the delivery: 2xx (201 Created) is
 * delivered; 429 (throttled), 408 and 5xx are worth another try, after Retry-After when given;
 * 401 (the token was refused), 403 (the account may not post there, or lacks consent), 404 (no
 * such team, channel or chat), 413 (over the size limit) and other 4xx fail the same way again.
 */
final class GraphAnswer {
  private static final int EXCERPT_CHARS = 300;

  private GraphAnswer() {}

  /**
   * Null when Graph took the message, else why not.
   *
   * @param who the recipient's name
   * @param account the signed-in account Iris posts as (null when unknown)
   */
  static DeliveryFailure failure(String who, String account, int status, String retryAfterHeader, String body, Instant now) {
    if (status >= 200 && status < 300) {
      return null;
    }
    Duration retryAfter = RetryAfter.parse(retryAfterHeader, now);
    String detail = detail(body);
    if (status == 429) {
      return new DeliveryFailure("Graph throttled the message for " + who + " (HTTP 429"
          + (retryAfter == null ? ")" : ", retry after " + retryAfter.toSeconds() + " s)") + detail, true, retryAfter);
    }
    if (status >= 500 || status == 408) {
      return new DeliveryFailure("Graph failed the message for " + who + " with HTTP " + status + detail, true, retryAfter);
    }
    String as = account == null ? "the signed-in account" : account;
    return DeliveryFailure.permanent(switch (status) {
      case 401 -> "Graph refused the token of " + as + " for " + who + " (HTTP 401" + detail
          + "): the grant may be revoked; check GET /api/v1/teams/graph/sign-in";
      case 403 -> "Graph forbade " + as + " to post for " + who + " (HTTP 403" + detail
          + "): the account must be a member of the team or chat, with ChannelMessage.Send / ChatMessage.Send consented";
      case 404 -> "Graph knows no such team, channel or chat for " + who + " (HTTP 404" + detail + ")";
      case 413 -> "the message for " + who + " is over Graph's size limit (HTTP 413" + detail + ")";
      default -> "Graph rejected the message for " + who + " with HTTP " + status + detail;
    });
  }

  /** Graph's {@code {"error":{"code","message"}}} as ": code: message", else an excerpt of the body. */
  static String detail(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    String text;
    try {
      JsonObject error = new JsonObject(body).getJsonObject("error");
      text = error == null ? body : error.getString("code", "") + (error.getString("message") == null ? "" : ": " + error.getString("message"));
    } catch (DecodeException | ClassCastException e) {
      text = body;
    }
    String flat = text.strip().replaceAll("\\s+", " ");
    return flat.isEmpty() ? "" : ": " + (flat.length() <= EXCERPT_CHARS ? flat : flat.substring(0, EXCERPT_CHARS) + "…");
  }
}
