package iris.enroll;

import iris.enroll.EnrollmentRequest.Credential;
import java.io.IOException;

/** Opens the command line of a host being enrolled: SSH for Linux, WinRM for Windows. Blocking. */
public interface ShellConnector {

  /**
   * An open shell and the host key that was accepted (SSH only; null for WinRM), with whether it
   * was trusted on first use, so the job records what it trusted.
   */
  record Connection(RemoteShell shell, String hostKeyFingerprint, boolean trustedOnFirstUse) {}

  Connection connect(EnrollmentRequest request, Credential credential) throws IOException;
}
