package iris.enroll;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How Iris logs in to a host. The records hold secrets, so their {@code toString} never shows them.
 */
public sealed interface SshCredential {

  static SshCredential password(String password) {
    return new Password(password);
  }

  /** A private key as text (OpenSSH {@code BEGIN OPENSSH PRIVATE KEY} or PEM); passphrase may be null. */
  static SshCredential privateKey(String keyText, String passphrase) {
    return new PrivateKeyText(keyText, passphrase);
  }

  /** A private key file readable by the Iris process; passphrase may be null. */
  static SshCredential privateKeyFile(Path file, String passphrase) {
    return new PrivateKeyFile(file, passphrase);
  }

  record Password(String password) implements SshCredential {
    public Password {
      Objects.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
      return "password";
    }
  }

  record PrivateKeyText(String keyText, String passphrase) implements SshCredential {
    public PrivateKeyText {
      Objects.requireNonNull(keyText, "keyText");
    }

    @Override
    public String toString() {
      return "private key";
    }
  }

  record PrivateKeyFile(Path file, String passphrase) implements SshCredential {
    public PrivateKeyFile {
      Objects.requireNonNull(file, "file");
    }

    @Override
    public String toString() {
      return "private key file " + file;
    }
  }
}
