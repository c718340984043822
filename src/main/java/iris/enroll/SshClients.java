package iris.enroll;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;

/**
 * The one SSH client of a process: its I/O threads serve every session. Start it once (the
 * enrollment worker does, at deploy) and close it at shutdown.
 *
 * <p>It reads nothing from the Iris user's {@code ~/.ssh} (no config file, no default keys,
 * no default known_hosts), so a connection uses exactly the credential and host key policy of
 * its request.
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
