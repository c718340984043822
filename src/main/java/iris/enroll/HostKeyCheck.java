package iris.enroll;

import java.security.PublicKey;
import org.apache.sshd.common.AttributeRepository.AttributeKey;

/**
 * One connection's host key decision: the policy it was asked to apply, the key the host
 * offered, and, when refused, why. The verifier fills it in on an SSH I/O thread; the
 * connecting thread reads it after the handshake, hence the volatile fields.
 */
final class HostKeyCheck {
  static final AttributeKey<HostKeyCheck> ATTRIBUTE = new AttributeKey<>();

  private final HostKeyPolicy policy;
  private final String hostLabel;
  private volatile PublicKey offered;
  private volatile boolean trustedOnFirstUse;
  private volatile String rejection;

  HostKeyCheck(HostKeyPolicy policy, String hostLabel) {
    this.policy = policy;
    this.hostLabel = hostLabel;
  }

  HostKeyPolicy policy() {
    return policy;
  }

  void offered(PublicKey key) {
    this.offered = key;
  }

  PublicKey offeredKey() {
    return offered;
  }

  String offeredFingerprint() {
    return offered == null ? null : SshFingerprints.sha256(offered);
  }

  void trustedOnFirstUse() {
    this.trustedOnFirstUse = true;
  }

  boolean wasTrustedOnFirstUse() {
    return trustedOnFirstUse;
  }

  /** Records a refusal; returns false so verifiers can {@code return check.reject(…)}. */
  boolean reject(String expectation) {
    this.rejection = "host key of " + hostLabel + " rejected: it offered " + offeredFingerprint() + " but " + expectation;
    return false;
  }

  String rejection() {
    return rejection;
  }
}
