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
      target.privateKeyFile(Path.of(credential.privateKeyPath()), credential.passphrase());
    }
    SshShell shell = SshShell.connect(clients, target.build());
    return new Connection(shell, shell.hostKey().fingerprint(), shell.hostKey().trustedOnFirstUse());
  }
}
