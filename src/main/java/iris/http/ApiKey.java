package iris.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The API key a request was made with: who (for the record) and what it may do. */
public record ApiKey(long id, String name, Scope scope) {

  /**
   * How a key is stored and cached: SHA-256 in hex. Keys are 256-bit random strings, so a fast
   * hash is enough and a stolen table reveals no usable key.
   */
  public static String hash(String key) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
