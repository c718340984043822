package iris.notify;

import java.time.Duration;
import java.time.Instant;

/**
 * The delegated grant Iris posts to Graph with: the refresh token a sign-in gave, the current
 * access token and its expiry, and whether the identity platform still honours it.
 *
 * @param version +1 at every change, so of two nodes that refresh at once only one writes
 * @param error why the grant was revoked (the platform's words), else null
 */
record GraphGrant(boolean active, String account, String refreshToken, String accessToken, Instant accessExpiresAt,
                  long version, String error) {

  /**
   * True while the access token may still be sent: it expires more than {@code margin} from
   * {@code now}, so no request goes out with a token that lapses on the way.
   */
  boolean accessUsable(Instant now, Duration margin) {
    return active && accessToken != null && accessExpiresAt != null && now.plus(margin).isBefore(accessExpiresAt);
  }
}
