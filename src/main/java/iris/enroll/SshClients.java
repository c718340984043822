package iris.enroll;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * The one SSH client of a process: its I/O threads serve every session. Start it once (the
 * enrollment worker does, at deploy) and close it at shutdown.
 *
 * <p>It reads nothing from the Iris user's {@code ~/.ssh} (no config file, no default keys,
 * no default known_hosts), so a connection uses exactly the credential and host key policy of
 * its request.
 *
 * <p>Its sockets set TCP_NODELAY: each script sends a few small packets back to back (channel
 * open, exec, stdin, EOF), and with Nagle's algorithm the later ones wait for the host's delayed
 * ACK, about 40 ms per script on Linux (bench/enroll.sh, docs/BENCHMARKS.md).
 */
public final class SshClients implements AutoCloseable {
  private final SshClient client;

  private SshClients(SshClient client) {
    this.client = client;
  }

  public static SshClients start() {
    SshClient client = SshClient.setUpDefaultClient();
    client.setServerKeyVerifier(new HostKeyVerifier());
    client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
    client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
    CoreModuleProperties.TCP_NODELAY.set(client, true);
    client.start();
    return new SshClients(client);
  }

  SshClient client() {
    return client;
  }

  @Override
  public void close() {
    client.stop();
  }
}
