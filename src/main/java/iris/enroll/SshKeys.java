package iris.enroll;

import iris.enroll.RemoteShellException.Reason;
import java.security.KeyPair;
import java.util.Collection;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * Reads a login key (OpenSSH or PEM; RSA, ECDSA, Ed25519; optionally passphrase-protected).
 * Failures name the source, never the key material or the passphrase.
 */
final class SshKeys {
  private SshKeys() {}

  static Collection<KeyPair> load(SshCredential credential, String hostLabel) throws RemoteShellException {
    try {
      Collection<KeyPair> pairs;
      if (credential instanceof SshCredential.PrivateKeyText text) {
        pairs = SecurityUtils.getKeyPairResourceParser().loadKeyPairs(
            null, NamedResource.ofName("private key"), passwords(text.passphrase()), text.keyText());
      } else if (credential instanceof SshCredential.PrivateKeyFile file) {
        pairs = SecurityUtils.getKeyPairResourceParser().loadKeyPairs(null, file.file(), passwords(file.passphrase()));
      } else {
        throw new IllegalArgumentException("a password is not a key");
      }
      if (pairs == null || pairs.isEmpty()) {
        throw new RemoteShellException(Reason.AUTH_FAILED, "no private key found in the " + credential + " for " + hostLabel);
      }
      return pairs;
    } catch (RemoteShellException e) {
      throw e;
    } catch (Exception e) {
      throw new RemoteShellException(Reason.AUTH_FAILED, "could not read the " + credential + " for " + hostLabel
          + " (wrong or missing passphrase, or an unsupported format): " + e.getClass().getSimpleName(), null);
    }
  }

  private static FilePasswordProvider passwords(String passphrase) {
    return passphrase == null ? FilePasswordProvider.EMPTY : FilePasswordProvider.of(passphrase);
  }
}
