package iris.enroll;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how to open an SSH session: address, port, user, credential, host key policy and
 * how long to wait for the TCP connect and for the handshake plus login.
 */
public record SshTarget(String host, int port, String username, SshCredential credential,
                        HostKeyPolicy hostKeys, Duration connectTimeout, Duration authTimeout) {

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_AUTH_TIMEOUT = Duration.ofSeconds(20);

  public SshTarget {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(credential, "credential (password or private key)");
    Objects.requireNonNull(hostKeys, "host key policy");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1-65535, got " + port);
    }
  }

  public static Builder to(String host, int port, String username) {
    return new Builder(host, port, username);
  }

  /** {@code host:port} in the form known_hosts and messages use. */
  public String label() {
    return port == 22 ? host : "[" + host + "]:" + port;
  }

  public static final class Builder {
    private final String host;
    private final int port;
    private final String username;
    private SshCredential credential;
    private String pinnedFingerprint;
    private Path knownHostsFile;
    private boolean trustOnFirstUse;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration authTimeout = DEFAULT_AUTH_TIMEOUT;

    private Builder(String host, int port, String username) {
      this.host = host;
      this.port = port;
      this.username = username;
    }

    public Builder password(String password) {
      this.credential = SshCredential.password(password);
      return this;
    }

    public Builder privateKey(String keyText, String passphrase) {
      this.credential = SshCredential.privateKey(keyText, passphrase);
      return this;
    }

    public Builder privateKeyFile(Path file, String passphrase) {
      this.credential = SshCredential.privateKeyFile(file, passphrase);
      return this;
    }

    public Builder credential(SshCredential credential) {
      this.credential = credential;
      return this;
    }

    public Builder pinnedFingerprint(String fingerprint) {
      this.pinnedFingerprint = fingerprint;
      return this;
    }

    public Builder knownHosts(Path file) {
      this.knownHostsFile = file;
      return this;
    }

    public Builder trustOnFirstUse(boolean trust) {
      this.trustOnFirstUse = trust;
      return this;
    }

    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = timeout;
      return this;
    }

    public Builder authTimeout(Duration timeout) {
      this.authTimeout = timeout;
      return this;
    }

    public SshTarget build() {
      return new SshTarget(host, port, username, credential,
          new HostKeyPolicy(pinnedFingerprint, knownHostsFile, trustOnFirstUse), connectTimeout, authTimeout);
    }
  }
}
