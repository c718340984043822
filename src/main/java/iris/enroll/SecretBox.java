package iris.enroll;

import iris.ConfigException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals enrollment credentials (AES-256-GCM) so a queued job survives a restart without a
 * password or private key ever sitting in the database in plain text. The key comes from the
 * environment, or is generated once into the data directory, readable by Iris alone.
 */
public final class SecretBox {
  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;

  private SecretBox(byte[] key) {
    this.key = new SecretKeySpec(key, "AES");
  }

  /** The configured key (base64 of 32 bytes), else the one in {@code keyFile}, created when missing. */
  public static SecretBox open(String configuredKey, Path keyFile) {
    if (!configuredKey.isEmpty()) {
      return new SecretBox(decode(configuredKey, "enroll.secret_key (IRIS_ENROLL_SECRET_KEY)"));
    }
    try {
      if (Files.exists(keyFile)) {
        return new SecretBox(decode(Files.readString(keyFile).strip(), keyFile.toString()));
      }
      byte[] fresh = new byte[32];
      RANDOM.nextBytes(fresh);
      Path directory = keyFile.toAbsolutePath().getParent();
      Files.createDirectories(directory);
      // Written whole under a temporary name, then linked into place (which fails if the key
      // exists): the verticles of a node open the box at the same time, and none may read a
      // key file another has created but not yet written.
      // createTempFile makes it readable by its owner alone (on POSIX file systems).
      Path temp = Files.createTempFile(directory, ".enrollment-key", ".tmp");
      try {
        Files.writeString(temp, Base64.getEncoder().encodeToString(fresh) + "\n");
        Files.createLink(keyFile, temp);
      } catch (java.nio.file.FileAlreadyExistsException raced) {
        // Another component of this node created it a moment ago: use that one.
        return new SecretBox(decode(Files.readString(keyFile).strip(), keyFile.toString()));
      } finally {
        Files.deleteIfExists(temp);
      }
      return new SecretBox(fresh);
    } catch (IOException e) {
      throw new ConfigException("cannot read or create the enrollment key " + keyFile + ": " + e.getMessage());
    }
  }

  private static byte[] decode(String base64, String where) {
    try {
      byte[] key = Base64.getDecoder().decode(base64);
      if (key.length != 32) {
        throw new IllegalArgumentException();
      }
      return key;
    } catch (IllegalArgumentException e) {
      throw new ConfigException(where + ": must be the base64 of 32 random bytes (openssl rand -base64 32)");
    }
  }

  public byte[] seal(String plain) {
    try {
      byte[] iv = new byte[IV_BYTES];
      RANDOM.nextBytes(iv);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
      byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.allocate(IV_BYTES + sealed.length).put(iv).put(sealed).array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is unavailable", e);
    }
  }

  /** The plain text; fails when the key differs from the one that sealed it. */
  public String unseal(byte[] sealed) throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, IV_BYTES));
    return new String(cipher.doFinal(sealed, IV_BYTES, sealed.length - IV_BYTES), StandardCharsets.UTF_8);
  }
}
