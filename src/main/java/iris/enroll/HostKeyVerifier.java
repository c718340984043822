package iris.enroll;

import java.net.SocketAddress;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;

/**
 * The shared client's only host key verifier. Each connection carries its own
 * {@link HostKeyCheck} (pinned fingerprint, known_hosts, trust on first use); a connection
 * without one is refused, so nothing is ever accepted by default.
 *
 * <p>known_hosts files are read by MINA's own verifier (one per file, so concurrent
 * first-use appends to one file are serialised and the file is re-read when it changes).
 */
final class HostKeyVerifier implements ServerKeyVerifier {
  private final Map<Path, KnownHostsServerKeyVerifier> knownHostsFiles = new ConcurrentHashMap<>();

  @Override
  public boolean verifyServerKey(ClientSession session, SocketAddress remoteAddress, PublicKey serverKey) {
    HostKeyCheck check = checkOf(session);
    if (check == null) {
      return false;
    }
    check.offered(serverKey);
    HostKeyPolicy policy = check.policy();
    if (policy.pinnedFingerprint() != null) {
      return SshFingerprints.matches(policy.pinnedFingerprint(), serverKey)
          || check.reject("the request pins " + policy.pinnedFingerprint());
    }
    if (policy.knownHostsFile() != null) {
      return knownHostsVerifier(policy.knownHostsFile()).verifyServerKey(session, remoteAddress, serverKey);
    }
    return firstUse(check);
  }

  private KnownHostsServerKeyVerifier knownHostsVerifier(Path file) {
    return knownHostsFiles.computeIfAbsent(file.toAbsolutePath().normalize(), path -> {
      KnownHostsServerKeyVerifier verifier = new KnownHostsServerKeyVerifier(
          (session, address, key) -> firstUse(checkOf(session)), path);
      verifier.setModifiedServerKeyAcceptor((session, address, entry, expected, actual) ->
          checkOf(session).reject(path + " has " + SshFingerprints.sha256(expected) + " for " + hosts(entry)));
      return verifier;
    });
  }

  private static boolean firstUse(HostKeyCheck check) {
    if (check.policy().trustOnFirstUse()) {
      check.trustedOnFirstUse();
      return true;
    }
    String where = check.policy().knownHostsFile() == null
        ? "no fingerprint was pinned and no known_hosts file is configured"
        : check.policy().knownHostsFile() + " has no entry for it and no fingerprint was pinned";
    return check.reject(where + " (trust on first use was not allowed)");
  }

  private static String hosts(KnownHostEntry entry) {
    String line = entry.getConfigLine();
    return line == null ? "the host" : line.split("\\s+")[0];
  }

  private static HostKeyCheck checkOf(ClientSession session) {
    return session.getConnectionContext() == null ? null : session.getConnectionContext().getAttribute(HostKeyCheck.ATTRIBUTE);
  }
}
