package iris.console;

import iris.http.Scope;
import java.time.Instant;

/**
 * A signed-in browser: the API key's name and scope, the key itself (opened from the stored
 * session with the cookie's secret, never stored in the clear), its CSRF token and its end.
 */
record ConsoleSession(String keyName, Scope scope, String apiKey, String csrf, Instant expiresAt) {
  boolean may(Scope needed) {
    return scope.includes(needed);
  }

  @Override
  public String toString() {
    return "ConsoleSession[" + keyName + ", " + scope.wireName() + ", until " + expiresAt + "]";
  }
}
