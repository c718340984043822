package iris.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.Base64;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyEncryptionContext;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;

/** Key pairs for SSH tests, with their private keys in the text forms operators paste into Iris. */
public final class SshTestKeys {

  public enum Type {
    RSA("ssh-rsa", 2048), ECDSA("ecdsa-sha2-nistp256", 256), ED25519("ssh-ed25519", 256);

    final String keyType;
    final int bits;

    Type(String keyType, int bits) {
      this.keyType = keyType;
      this.bits = bits;
    }
  }

  public record ClientKey(KeyPair keyPair) {

    /** {@code -----BEGIN OPENSSH PRIVATE KEY-----}, as {@code ssh-keygen} writes by default. */
    public String openSshPrivateKey() {
      return write(null);
    }

    /** The same, encrypted with {@code passphrase} (aes256-ctr, bcrypt KDF) as {@code ssh-keygen -N} does. */
    public String openSshPrivateKey(String passphrase) {
      return write(passphrase);
    }

    /** PKCS#8 {@code -----BEGIN PRIVATE KEY-----} (e.g. {@code ssh-keygen -m PKCS8}, or openssl). */
    public String pemPrivateKey() {
      String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
          .encodeToString(keyPair.getPrivate().getEncoded());
      return "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n";
    }

    /** {@code ssh-ed25519 AAAA…} for authorized_keys. */
    public String publicKeyLine() {
      return PublicKeyEntry.toString(keyPair.getPublic());
    }

    private String write(String passphrase) {
      OpenSSHKeyEncryptionContext encryption = null;
      if (passphrase != null) {
        encryption = new OpenSSHKeyEncryptionContext();
        encryption.setPassword(passphrase);
        encryption.setCipherName("AES");
        encryption.setCipherType("256");
        encryption.setCipherMode("CTR");
      }
      try {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(keyPair, "iris-test", encryption, out);
        return out.toString(StandardCharsets.US_ASCII);
      } catch (Exception e) {
        throw new IllegalStateException("could not write test key", e);
      }
    }
  }

  private SshTestKeys() {}

  public static ClientKey generate(Type type) {
    try {
      return new ClientKey(KeyUtils.generateKeyPair(type.keyType, type.bits));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not generate a " + type + " key", e);
    }
  }
}
