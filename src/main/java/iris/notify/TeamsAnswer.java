package iris.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a Teams webhook's answer means for the delivery. Any 2xx is accepted, unless its body
 * says the message was dropped: the connector style answers 200 with "Microsoft Teams endpoint
 * returned HTTP error 429" when it throttles. 429, 408 and 5xx are worth another try (after
 * Retry-After when given); any other status will fail the same way again.
 */
final class TeamsAnswer {
  private static final Pattern THROTTLED = Pattern.compile("(?i)throttl|too many requests|\\b429\\b");
  private static final Pattern REPORTED_STATUS = Pattern.compile("(?i)HTTP error (\\d{3})");
  private static final int EXCERPT_CHARS = 200;

  private TeamsAnswer() {}

  /**
   * Null when Teams took the message, else why not.
   *
   * @param who the recipient's name: the webhook URL holds a secret and never goes in a message
   * @param body the response body, already stripped of anything secret
   */
  static DeliveryFailure failure(String who, int status, String retryAfterHeader, String body, Instant now) {
    Duration retryAfter = RetryAfter.parse(retryAfterHeader, now);
    if (status >= 200 && status < 300) {
      return failureReportedInBody(who, status, body, retryAfter);
    }
    if (status == 429) {
      return new DeliveryFailure("Teams throttled the message for " + who + " (HTTP 429"
          + (retryAfter == null ? ")" : ", retry after " + retryAfter.toSeconds() + " s)") + detail(body), true, retryAfter);
    }
    if (status >= 500 || status == 408) {
      return new DeliveryFailure("Teams webhook for " + who + " failed with HTTP " + status + detail(body), true, retryAfter);
    }
    return DeliveryFailure.permanent("Teams webhook for " + who + " rejected the message with HTTP " + status + detail(body));
  }

  private static DeliveryFailure failureReportedInBody(String who, int status, String body, Duration retryAfter) {
    if (body == null || body.isBlank()) {
      return null;
    }
    if (THROTTLED.matcher(body).find()) {
      return new DeliveryFailure("Teams throttled the message for " + who + " (HTTP " + status + " saying so)"
          + detail(body), true, retryAfter);
    }
    Matcher reported = REPORTED_STATUS.matcher(body);
    if (reported.find()) {
      int inner = Integer.parseInt(reported.group(1));
      String message = "Teams did not deliver the message for " + who + " (HTTP " + status + " reporting HTTP " + inner + ")" + detail(body);
      return new DeliveryFailure(message, inner >= 500 || inner == 408, retryAfter);
    }
    return null;
  }

  private static String detail(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    String flat = body.strip().replaceAll("\\s+", " ");
    return ": " + (flat.length() <= EXCERPT_CHARS ? flat : flat.substring(0, EXCERPT_CHARS) + "…");
  }
}
