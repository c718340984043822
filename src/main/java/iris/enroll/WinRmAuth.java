package iris.enroll;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How Iris proves who it is to a Windows host's WinRM listener. */
public enum WinRmAuth {
  /** The Windows default for local and domain accounts; over HTTP winrm4j also encrypts the messages. */
  NTLM("NTLM"),
  /** Local accounts only, and only where the listener allows it (AllowUnencrypted over HTTP): prefer HTTPS. */
  BASIC("Basic"),
  /** Domain accounts; needs a Kerberos configuration (krb5.conf) on the Iris node. */
  KERBEROS("Kerberos");

  private final String scheme;

  WinRmAuth(String scheme) {
    this.scheme = scheme;
  }

  /** The scheme name winrm4j (Apache HttpClient's AuthSchemes) expects. */
  public String scheme() {
    return scheme;
  }

  /** Reads a configured value ("ntlm", "Basic", "KERBEROS"); an unknown value names the choices. */
  public static WinRmAuth parse(String value) {
    String wanted = value == null ? "" : value.trim().toUpperCase(Locale.ROOT);
    for (WinRmAuth auth : values()) {
      if (auth.name().equals(wanted)) {
        return auth;
      }
    }
    throw new IllegalArgumentException("WinRM authentication must be one of "
        + Arrays.stream(values()).map(a -> a.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "))
        + "; got '" + value + "'");
  }
}
