package iris.enroll;

import java.time.Duration;

/**
 * Where and as whom to reach a Windows host over WinRM. The user name may carry a domain
 * ({@code CORP\svc-iris}). The password never appears in {@link #toString()}.
 *
 * @param operationTimeout how long the host may hold one WS-Management call before it answers
 *     "still running" (the WinRM OperationTimeout); a longer script is polled again
 */
public record WinRmTarget(String address, int port, boolean https, String username, String password,
    WinRmAuth auth, Duration operationTimeout) {

  public static final int HTTP_PORT = 5985;
  public static final int HTTPS_PORT = 5986;
  public static final Duration DEFAULT_OPERATION_TIMEOUT = Duration.ofSeconds(60);

  public WinRmTarget {
    if (address == null || address.isBlank()) {
      throw new IllegalArgumentException("WinRM address is empty");
    }
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("WinRM port must be 1-65535; got " + port);
    }
    if (username == null || username.isBlank()) {
      throw new IllegalArgumentException("WinRM user name is empty");
    }
    if (password == null) {
      throw new IllegalArgumentException("WinRM password is missing");
    }
    if (auth == null) {
      throw new IllegalArgumentException("WinRM authentication is missing");
    }
    if (operationTimeout == null || operationTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("WinRM operation timeout must be at least 1s; got " + operationTimeout);
    }
  }

  /** Plain HTTP on 5985 with NTLM, as {@code winrm quickconfig} sets a host up. */
  public static WinRmTarget of(String address, String username, String password) {
    return new WinRmTarget(address, HTTP_PORT, false, username, password, WinRmAuth.NTLM, DEFAULT_OPERATION_TIMEOUT);
  }

  /** HTTPS on 5986; the host's certificate must be trusted by this JVM. */
  public WinRmTarget overHttps() {
    return new WinRmTarget(address, HTTPS_PORT, true, username, password, auth, operationTimeout);
  }

  public WinRmTarget withPort(int newPort) {
    return new WinRmTarget(address, newPort, https, username, password, auth, operationTimeout);
  }

  public WinRmTarget withAuth(WinRmAuth newAuth) {
    return new WinRmTarget(address, port, https, username, password, newAuth, operationTimeout);
  }

  public WinRmTarget withOperationTimeout(Duration timeout) {
    return new WinRmTarget(address, port, https, username, password, auth, timeout);
  }

  /** host:port, for messages. */
  public String endpoint() {
    return address + ":" + port;
  }

  @Override
  public String toString() {
    return "WinRmTarget[" + (https ? "https://" : "http://") + endpoint() + ", user=" + username + ", auth=" + auth
        + ", operationTimeout=" + operationTimeout + "]";
  }
}
