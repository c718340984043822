package iris.enroll;

import java.io.IOException;

/**
 * A connection failure the operator has to act on, with a reason that says which: the host key
 * did not match, the credentials were refused, the host did not answer.
 */
public final class RemoteShellException extends IOException {

  public enum Reason { UNREACHABLE, HOST_KEY_REJECTED, AUTH_FAILED, TIMEOUT, PROTOCOL }

  private final Reason reason;

  public RemoteShellException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public RemoteShellException(Reason reason, String message) {
    this(reason, message, null);
  }

  public Reason reason() {
    return reason;
  }
}
