package iris.enroll;

import iris.enroll.RemoteShellException.Reason;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import javax.net.ssl.SSLException;
import javax.xml.ws.soap.SOAPFaultException;
import org.apache.cxf.transport.http.HTTPException;
import org.w3c.dom.Node;

/**
 * Turns what winrm4j and CXF throw (runtime exceptions wrapping the real cause several levels
 * down) into a {@link RemoteShellException} whose reason and message tell an operator what to fix.
 */
final class WinRmFailures {
  /** MS-WSMV: no output within the OperationTimeout; the client is expected to poll again. */
  static final String OPERATION_TIMEOUT_EXPIRED = "2150858793";

  private WinRmFailures() {}

  static RemoteShellException explain(Throwable thrown, WinRmTarget target, boolean deadlinePassed, Duration timeout) {
    String where = "WinRM at " + target.endpoint();
    for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
      if (cause instanceof HTTPException http) {
        if (http.getResponseCode() == 401) {
          return new RemoteShellException(Reason.AUTH_FAILED, where + " refused user '" + target.username()
              + "' with " + target.auth().scheme() + " authentication (HTTP 401): check the password, and that the"
              + " listener accepts " + target.auth().scheme() + " (winrm get winrm/config/service/auth)", thrown);
        }
        return new RemoteShellException(Reason.PROTOCOL, where + " answered HTTP " + http.getResponseCode()
            + ": is this a WinRM listener (path /wsman, " + (target.https() ? "HTTPS" : "HTTP") + ")?", thrown);
      }
      if (isAuthenticationLoop(cause)) {
        return new RemoteShellException(Reason.AUTH_FAILED, where + " did not accept the credentials of user '"
            + target.username() + "' with " + target.auth().scheme() + " authentication", thrown);
      }
      if (cause instanceof UnknownHostException) {
        return new RemoteShellException(Reason.UNREACHABLE, "WinRM host name " + target.address()
            + " does not resolve: check the address (DNS)", thrown);
      }
      if (isConnectTimeout(cause)) {
        return new RemoteShellException(Reason.UNREACHABLE, where + " did not accept a connection in time:"
            + " is the host up and port " + target.port() + " reachable through the firewall?", thrown);
      }
      if (cause instanceof ConnectException || cause instanceof NoRouteToHostException) {
        return new RemoteShellException(Reason.UNREACHABLE, where + " refused the connection: is WinRM enabled"
            + " (winrm quickconfig) and port " + target.port() + " open in the host's firewall?", thrown);
      }
      if (cause instanceof SocketTimeoutException && stalledWhileAuthenticating(thrown, target)) {
        return new RemoteShellException(Reason.AUTH_FAILED, where + " did not let user '" + target.username()
            + "' in with " + target.auth().scheme() + " authentication: the first call never completed, which is how"
            + " winrm4j reports refused credentials (it re-sends the request without its body and waits); check the"
            + " password and the account's lockout state", thrown);
      }
      if (cause instanceof SocketTimeoutException) {
        return new RemoteShellException(Reason.TIMEOUT, where + " stopped answering (no reply within the"
            + " operation timeout): the host may be overloaded or the network dropped the connection", thrown);
      }
      if (cause instanceof SSLException) {
        return new RemoteShellException(Reason.PROTOCOL, where + " TLS handshake failed (" + cause.getMessage()
            + "): is the listener's certificate trusted by Iris, and is the port an HTTPS listener?", thrown);
      }
      if (cause instanceof SOAPFaultException fault) {
        String code = wsmanFaultCode(fault);
        if (OPERATION_TIMEOUT_EXPIRED.equals(code) && deadlinePassed) {
          return new RemoteShellException(Reason.TIMEOUT, "script on " + target.address() + " still running after "
              + timeout.toSeconds() + "s; it was stopped", thrown);
        }
        return new RemoteShellException(Reason.PROTOCOL, where + " refused the request: "
            + fault.getMessage().strip() + (code == null ? "" : " (WSManFault " + code + ")"), thrown);
      }
    }
    Throwable root = root(thrown);
    return new RemoteShellException(Reason.PROTOCOL, where + " failed: " + root.getClass().getSimpleName()
        + (root.getMessage() == null ? "" : ": " + root.getMessage()), thrown);
  }

  /** The async HTTP client reports a connect timeout as a ConnectException; the blocking one has its own class. */
  private static boolean isConnectTimeout(Throwable cause) {
    return cause instanceof ConnectException && String.valueOf(cause.getMessage()).startsWith("Timeout connecting")
        || cause.getClass().getName().equals("org.apache.http.conn.ConnectTimeoutException");
  }

  /**
   * After the host refuses an NTLM or Kerberos AUTHENTICATE, winrm4j's HTTP client retries the
   * shell Create with an empty body and both sides wait until the read timeout. A stall on Create
   * (the first call, which Windows answers in milliseconds) is therefore read as refused credentials.
   */
  private static boolean stalledWhileAuthenticating(Throwable thrown, WinRmTarget target) {
    if (target.auth() == WinRmAuth.BASIC) {
      return false;
    }
    for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
      if (String.valueOf(cause.getMessage()).startsWith("failed task \"create\"")) {
        return true;
      }
    }
    return false;
  }

  /** winrm4j's words for an NTLM/Kerberos handshake that kept being refused. */
  private static boolean isAuthenticationLoop(Throwable cause) {
    String message = String.valueOf(cause.getMessage());
    return message.contains("Authorization loop detected") || message.contains("ncompatible authentication schemes");
  }

  /** The Code of the WSManFault in the SOAP fault detail, if there is one. */
  static String wsmanFaultCode(SOAPFaultException fault) {
    if (fault.getFault() == null || fault.getFault().getDetail() == null) {
      return null;
    }
    for (Node node = fault.getFault().getDetail().getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node.getNodeType() == Node.ELEMENT_NODE && "WSManFault".equals(node.getLocalName())) {
        Node code = node.getAttributes().getNamedItem("Code");
        return code == null ? null : code.getNodeValue();
      }
    }
    return null;
  }

  private static Throwable root(Throwable thrown) {
    Throwable root = thrown;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }
}
