package iris.enroll;

import java.nio.file.Path;

/**
 * How a host's SSH key is trusted, first rule that applies wins: a pinned fingerprint from the
 * request; else the known_hosts file; else, only when the caller says so, the key seen on
 * first use (then reported back, and appended to known_hosts when there is one). Nothing
 * else is ever accepted.
 *
 * @param pinnedFingerprint {@code SHA256:…} or {@code MD5:…}, or null
 * @param knownHostsFile OpenSSH known_hosts (plain, {@code [host]:port} and hashed entries), or null
 * @param trustOnFirstUse accept a host that neither of the above knows
 */
public record HostKeyPolicy(String pinnedFingerprint, Path knownHostsFile, boolean trustOnFirstUse) {

  public HostKeyPolicy {
    if (pinnedFingerprint != null) {
      pinnedFingerprint = SshFingerprints.requireWellFormed(pinnedFingerprint);
    }
  }

  public static HostKeyPolicy pinned(String fingerprint) {
    return new HostKeyPolicy(fingerprint, null, false);
  }

  public static HostKeyPolicy knownHosts(Path file) {
    return new HostKeyPolicy(null, file, false);
  }

  public HostKeyPolicy withTrustOnFirstUse(boolean trust) {
    return new HostKeyPolicy(pinnedFingerprint, knownHostsFile, trust);
  }

  public HostKeyPolicy withKnownHosts(Path file) {
    return new HostKeyPolicy(pinnedFingerprint, file, trustOnFirstUse);
  }
}
