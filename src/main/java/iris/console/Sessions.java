package iris.console;

import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import iris.db.SharedState;
import iris.http.Scope;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Console sessions in the shared state (Redis in a cluster, so any node serves any browser).
 * The cookie holds a 256-bit random secret. The shared state keys the session by the secret's
 * SHA-256 and keeps the API key sealed (AES-GCM) under a key derived from the secret: whoever
 * reads Redis can neither use a session nor learn an API key.
 */
final class Sessions {
  static final String COOKIE = "iris_session";
  private static final String PREFIX = "console:session:";
  private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9_-]{43}");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  /** A new session: its cookie secret and what it holds. */
  record Started(String secret, ConsoleSession session) {}

  private final SharedState state;
  private final Duration ttl;
  private final Clock clock;

  Sessions(SharedState state, Duration ttl, Clock clock) {
    this.state = state;
    this.ttl = ttl;
    this.clock = clock;
  }

  Duration ttl() {
    return ttl;
  }

  Future<Started> start(String keyName, Scope scope, String apiKey) {
    String secret = random();
    ConsoleSession session = new ConsoleSession(keyName, scope, apiKey, random(), clock.instant().plus(ttl));
    JsonObject stored = new JsonObject()
        .put("key_name", keyName)
        .put("scope", scope.wireName())
        .put("sealed_key", seal(secret, apiKey))
        .put("csrf", session.csrf())
        .put("expires_at", session.expiresAt().toString());
    return state.set(PREFIX + id(secret), stored.encode(), ttl).map(v -> new Started(secret, session));
  }

  /** The session of this cookie secret, or null (none, malformed, ended or expired). */
  Future<ConsoleSession> find(String secret) {
    if (secret == null || !SECRET.matcher(secret).matches()) {
      return Future.succeededFuture(null);
    }
    return state.get(PREFIX + id(secret)).map(raw -> {
      if (raw == null) {
        return null;
      }
      try {
        JsonObject stored = new JsonObject(raw);
        Instant expires = Instant.parse(stored.getString("expires_at"));
        if (!clock.instant().isBefore(expires)) {
          return null;
        }
        return new ConsoleSession(stored.getString("key_name"), Scope.parse(stored.getString("scope")),
            open(secret, stored.getString("sealed_key")), stored.getString("csrf"), expires);
      } catch (DecodeException | IllegalArgumentException | NullPointerException | GeneralSecurityException e) {
        return null;
      }
    });
  }

  Future<Void> end(String secret) {
    if (secret == null || !SECRET.matcher(secret).matches()) {
      return Future.succeededFuture();
    }
    return state.delete(PREFIX + id(secret));
  }

  /** Constant-time: a guessed token learns nothing from how long the refusal took. */
  static boolean csrfMatches(ConsoleSession session, String given) {
    return given != null && MessageDigest.isEqual(session.csrf().getBytes(StandardCharsets.UTF_8),
        given.getBytes(StandardCharsets.UTF_8));
  }

  private static String random() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return B64.encodeToString(bytes);
  }

  private static String id(String secret) {
    return HexFormat.of().formatHex(digest("id:" + secret));
  }

  private static SecretKeySpec key(String secret) {
    return new SecretKeySpec(digest("key:" + secret), "AES");
  }

  private static String seal(String secret, String apiKey) {
    try {
      byte[] iv = new byte[12];
      RANDOM.nextBytes(iv);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key(secret), new GCMParameterSpec(128, iv));
      byte[] sealed = cipher.doFinal(apiKey.getBytes(StandardCharsets.UTF_8));
      return B64.encodeToString(ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JVM has AES-GCM", e);
    }
  }

  private static String open(String secret, String sealed) throws GeneralSecurityException {
    byte[] bytes = Base64.getUrlDecoder().decode(sealed);
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(Cipher.DECRYPT_MODE, key(secret), new GCMParameterSpec(128, bytes, 0, 12));
    return new String(cipher.doFinal(bytes, 12, bytes.length - 12), StandardCharsets.UTF_8);
  }

  private static byte[] digest(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(("iris-console-session:" + text).getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
