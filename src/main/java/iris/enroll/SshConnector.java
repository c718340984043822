package iris.enroll;

import iris.IrisConfig;
import iris.enroll.EnrollmentRequest.Credential;
import java.nio.file.Path;

/** Opens SSH sessions for enrollment: host keys against the pinned fingerprint or known_hosts, TOFU only when asked. */
final class SshConnector implements ShellConnector {
  private final SshClients clients;
  private final IrisConfig.Enroll settings;

  SshConnector(SshClients clients, IrisConfig.Enroll settings) {
    this.clients = clients;
    this.settings = settings;
  }

  /**
   * A key file named by a request, resolved against the keys directory; null when it would lie
   * outside it (an API client must not make Iris log in with any key the process can read).
   */
  static Path keyFile(Path keysDir, String given) {
    Path resolved = keysDir.resolve(given).toAbsolutePath().normalize();
    return resolved.startsWith(keysDir) && !resolved.equals(keysDir) ? resolved : null;
  }

  @Override
  public Connection connect(EnrollmentRequest request, Credential credential) throws RemoteShellException {
    SshTarget.Builder target = SshTarget.to(request.address(), request.port(), request.username())
        .knownHosts(settings.knownHosts())
        .trustOnFirstUse(request.trustOnFirstUse())
        .connectTimeout(settings.connectTimeout())
        .authTimeout(settings.connectTimeout().multipliedBy(2));
    if (request.hostKeyFingerprint() != null) {
      target.pinnedFingerprint(request.hostKeyFingerprint());
    }
    if (credential.password() != null) {
      target.password(credential.password());
    } else if (credential.privateKey() != null) {
      target.privateKey(credential.privateKey(), credential.passphrase());
    } else {
      Path key = keyFile(settings.keysDir(), credential.privateKeyPath());
      if (key == null) {
        throw new RemoteShellException(RemoteShellException.Reason.AUTH_FAILED,
            "the private key file must be inside " + settings.keysDir() + " (enroll.keys_dir)");
      }
      target.privateKeyFile(key, credential.passphrase());
    }
    SshShell shell = SshShell.connect(clients, target.build());
    return new Connection(shell, shell.hostKey().fingerprint(), shell.hostKey().trustedOnFirstUse());
  }
}
