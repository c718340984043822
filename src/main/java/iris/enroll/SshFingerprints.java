package iris.enroll;

import java.security.PublicKey;
import java.util.Locale;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.digest.BuiltinDigests;

/**
 * SSH host key fingerprints in the forms operators copy from {@code ssh-keygen -lf}:
 * {@code SHA256:<base64 without padding>} (OpenSSH's default) and the older
 * {@code MD5:aa:bb:…} (also accepted as bare hex, with or without colons).
 */
public final class SshFingerprints {
  private SshFingerprints() {}

  /** {@code SHA256:…} exactly as OpenSSH prints it. */
  public static String sha256(PublicKey key) {
    return KeyUtils.getFingerPrint(BuiltinDigests.sha256, key);
  }

  /** {@code MD5:aa:bb:…} as {@code ssh-keygen -E md5 -lf} prints it. */
  public static String md5(PublicKey key) {
    return KeyUtils.getFingerPrint(BuiltinDigests.md5, key);
  }

  /** The key of an OpenSSH public key line ({@code ssh-ed25519 AAAA… comment}, as in authorized_keys or a .pub file). */
  public static PublicKey parsePublicKey(String openSshLine) {
    try {
      return AuthorizedKeyEntry.parseAuthorizedKeyEntry(openSshLine.strip()).resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
    } catch (Exception e) {
      throw new IllegalArgumentException("not an OpenSSH public key line", e);
    }
  }

  /** {@code ssh-ed25519 AAAA…}: the key as a known_hosts or authorized_keys line carries it. */
  public static String openSshPublicKey(PublicKey key) {
    return PublicKeyEntry.toString(key);
  }

  /** Whether {@code expected} (SHA256 or MD5 form) names {@code key}. */
  public static boolean matches(String expected, PublicKey key) {
    String wanted = expected.strip();
    int colon = wanted.indexOf(':');
    String algorithm = colon > 0 ? wanted.substring(0, colon).toUpperCase(Locale.ROOT) : "";
    if (algorithm.equals("SHA256")) {
      // base64 is case-sensitive; some tools keep the '=' padding OpenSSH drops
      return stripPadding(wanted.substring(colon + 1)).equals(stripPadding(sha256(key).substring("SHA256:".length())));
    }
    String hex = algorithm.equals("MD5") ? wanted.substring(colon + 1) : wanted;
    return normaliseHex(hex).equals(normaliseHex(md5(key).substring("MD5:".length())));
  }

  /** Rejects what cannot be a fingerprint, so a typo fails at the request, not as a host key mismatch. */
  public static String requireWellFormed(String fingerprint) {
    String f = fingerprint.strip();
    boolean sha256 = f.regionMatches(true, 0, "SHA256:", 0, 7) && stripPadding(f.substring(7)).matches("[A-Za-z0-9+/]{43}");
    String hex = f.regionMatches(true, 0, "MD5:", 0, 4) ? f.substring(4) : f;
    boolean md5 = normaliseHex(hex).matches("[0-9a-f]{32}") && hex.matches("[0-9A-Fa-f:]+");
    if (!sha256 && !md5) {
      throw new IllegalArgumentException("host key fingerprint must look like SHA256:<base64> or MD5:<hex>, got '" + f + "'");
    }
    return f;
  }

  private static String stripPadding(String base64) {
    return base64.replaceAll("=+$", "");
  }

  private static String normaliseHex(String hex) {
    return hex.replace(":", "").toLowerCase(Locale.ROOT);
  }
}
