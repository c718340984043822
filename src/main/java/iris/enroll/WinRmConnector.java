package iris.enroll;

import iris.IrisConfig;
import iris.enroll.EnrollmentRequest.Credential;

/** Opens WinRM shells for enrollment; the request's port, HTTPS flag and scheme win over the configured ones. */
final class WinRmConnector implements ShellConnector {
  private final IrisConfig.Enroll settings;

  WinRmConnector(IrisConfig.Enroll settings) {
    this.settings = settings;
  }

  @Override
  public Connection connect(EnrollmentRequest request, Credential credential) throws java.io.IOException {
    IrisConfig.WinRm winrm = settings.winrm();
    boolean https = request.winrmHttps() != null ? request.winrmHttps() : winrm.https();
    WinRmAuth auth = WinRmAuth.parse(request.winrmAuth() != null ? request.winrmAuth() : winrm.auth());
    WinRmTarget target = new WinRmTarget(request.address(), request.port(), https, request.username(), credential.password(),
        auth, WinRmTarget.DEFAULT_OPERATION_TIMEOUT);
    // winrm4j opens a shell per script, so logging in is only proven by running one.
    WinRmShell shell = new WinRmShell(target);
    try {
      CommandResult probe = shell.run("# iris:connect\n$PSVersionTable.PSVersion.ToString()\n", settings.connectTimeout().multipliedBy(2));
      if (!probe.ok()) {
        throw new RemoteShellException(RemoteShellException.Reason.PROTOCOL,
            "PowerShell on " + target.endpoint() + " did not run (exit " + probe.exitCode() + "): " + probe.excerpt());
      }
      return new Connection(shell, null, false);
    } catch (java.io.IOException | RuntimeException e) {
      shell.close();
      throw e;
    }
  }
}
