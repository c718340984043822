package iris.enroll;

/**
 * The host key a connection accepted, for the host's record: its {@code SHA256:…} fingerprint,
 * the public key as a known_hosts line carries it, and whether it was accepted only because
 * the caller allowed trust on first use (then the caller should record it as now pinned).
 */
public record SeenHostKey(String fingerprint, String publicKey, boolean trustedOnFirstUse) {}
