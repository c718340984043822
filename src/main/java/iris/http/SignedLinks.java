package iris.http;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The console's addresses as messages give them: an incident's page, and one-click actions as
 * signed, expiring tokens bound to one incident and one action. A token is
 * {@code <payload>.<HMAC-SHA256>}, both base64url; the payload is
 * {@code <incident>:<action>:<expires epoch s>:<nonce>}. The nonce names the token, so the
 * console can refuse it once used. No public URL means no links; no key means no action links.
 */
public final class SignedLinks {
  /** What a token may do. */
  public enum Action {
    ACKNOWLEDGE("acknowledge", "Acknowledge"),
    KNOWN_ISSUE("known-issue", "Mark known issue for 4 h");

    private final String wire;
    private final String title;

    Action(String wire, String title) {
      this.wire = wire;
      this.title = title;
    }

    public String wire() {
      return wire;
    }

    /** The button's words. */
    public String title() {
      return title;
    }

    static Action parse(String wire) {
      for (Action action : values()) {
        if (action.wire.equals(wire)) {
          return action;
        }
      }
      return null;
    }
  }

  /** A token that verified: what it allows, until when, and its name (for the used-once check). */
  public record Grant(long incidentId, Action action, Instant expiresAt, String nonce) {}

  /** Why a token did not verify. */
  public enum Refusal { MALFORMED, BAD_SIGNATURE, EXPIRED }

  /** The verdict on a token: a grant, or a refusal (an expired one still says what it was for). */
  public record Verdict(Grant grant, Refusal refusal) {
    public boolean valid() {
      return refusal == null;
    }
  }

  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{8,200}\\.[A-Za-z0-9_-]{43}");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private final String publicUrl;
  private final byte[] key;
  private final Duration ttl;
  private final Clock clock;

  /**
   * @param publicUrl where people reach Iris, without a trailing slash; empty = no links at all
   * @param key the signing key as configured (any text; hashed into 256 bits); empty = no action links
   */
  public SignedLinks(String publicUrl, String key, Duration ttl, Clock clock) {
    this.publicUrl = publicUrl == null ? "" : publicUrl;
    this.key = key == null || key.isEmpty() ? new byte[0] : sha256(key.getBytes(StandardCharsets.UTF_8));
    this.ttl = ttl;
    this.clock = clock;
  }

  /** No links: messages without a console to point at. */
  public static SignedLinks none() {
    return new SignedLinks("", "", Duration.ofHours(1), Clock.systemUTC());
  }

  public Duration ttl() {
    return ttl;
  }

  /** The incident's console page, or empty without a public URL. */
  public Optional<String> incidentPage(long incidentId) {
    return publicUrl.isEmpty() ? Optional.empty() : Optional.of(publicUrl + "/console/incidents/" + incidentId);
  }

  /** A one-click link to {@code action} on the incident, or empty without a public URL or a key. */
  public Optional<String> actionLink(long incidentId, Action action) {
    if (publicUrl.isEmpty() || key.length == 0) {
      return Optional.empty();
    }
    return Optional.of(publicUrl + "/console/links/" + sign(incidentId, action));
  }

  /** A token for {@code action} on the incident, valid for the configured time from now. */
  public String sign(long incidentId, Action action) {
    byte[] nonce = new byte[12];
    RANDOM.nextBytes(nonce);
    long expires = clock.instant().plus(ttl).getEpochSecond();
    String payload = incidentId + ":" + action.wire + ":" + expires + ":" + B64.encodeToString(nonce);
    String encoded = B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
    return encoded + "." + B64.encodeToString(mac(encoded));
  }

  /** Checks the signature, then the expiry; never throws on bad input. */
  public Verdict verify(String token) {
    if (key.length == 0 || token == null || !TOKEN.matcher(token).matches()) {
      return new Verdict(null, Refusal.MALFORMED);
    }
    int dot = token.indexOf('.');
    String encoded = token.substring(0, dot);
    byte[] given = Base64.getUrlDecoder().decode(token.substring(dot + 1));
    if (!MessageDigest.isEqual(mac(encoded), given)) {
      return new Verdict(null, Refusal.BAD_SIGNATURE);
    }
    String[] parts = new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8).split(":");
    Action action = parts.length == 4 ? Action.parse(parts[1]) : null;
    if (action == null) {
      return new Verdict(null, Refusal.MALFORMED);
    }
    Grant grant;
    try {
      grant = new Grant(Long.parseLong(parts[0]), action, Instant.ofEpochSecond(Long.parseLong(parts[2])), parts[3]);
    } catch (NumberFormatException e) {
      return new Verdict(null, Refusal.MALFORMED);
    }
    return new Verdict(grant, clock.instant().isAfter(grant.expiresAt()) ? Refusal.EXPIRED : null);
  }

  private byte[] mac(String encoded) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(encoded.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JVM has HmacSHA256", e);
    }
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "SignedLinks[" + (publicUrl.isEmpty() ? "no public URL" : publicUrl) + ", key=" + (key.length == 0 ? "none" : "***") + "]";
  }
}
