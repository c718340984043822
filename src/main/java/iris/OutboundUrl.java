package iris;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;

/**
 * Whether Iris may post to a URL an operator or API client gave it (Teams webhooks): https, to
 * an address that is not this machine, its link-local network or a cloud metadata service,
 * so a registry entry cannot make Iris call its own admin ports or fetch instance credentials.
 * The host is judged as written (no DNS lookup here).
 */
public final class OutboundUrl {
  private static final Set<String> METADATA_NAMES = Set.of("metadata", "metadata.google.internal", "instance-data");
  private static final Set<String> METADATA_ADDRESSES = Set.of("100.100.100.200", "fd00:ec2:0:0:0:0:0:254");

  private OutboundUrl() {}

  /** Null when Iris may post to {@code url}; else why not. {@code allowInsecure} admits http and local addresses. */
  public static String problem(String url, boolean allowInsecure) {
    URI uri;
    try {
      uri = URI.create(url.strip());
    } catch (IllegalArgumentException e) {
      return "not a URL";
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
      return "must be an https:// URL";
    }
    if (allowInsecure) {
      return null;
    }
    if (!scheme.equals("https")) {
      return "must be https (plain http only with notify.allow_insecure_urls)";
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    if (host.equals("localhost") || host.endsWith(".localhost") || METADATA_NAMES.contains(host)) {
      return "must not point at this machine or a metadata service";
    }
    boolean ipv4ish = host.matches("[0-9x.]+");
    if (!ipv4ish && !host.contains(":")) {
      return null; // a name: judged by the address it resolves to when Iris sends
    }
    if (ipv4ish && !host.matches("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}")) {
      return "not a plain dotted IPv4 address";
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(host); // a literal: parsed, never looked up
    } catch (UnknownHostException e) {
      return "not a valid address";
    }
    if (address.isLoopbackAddress() || address.isAnyLocalAddress() || address.isLinkLocalAddress()
        || METADATA_ADDRESSES.contains(address.getHostAddress())) {
      return "must not point at a loopback, link-local or metadata address (allowed only with notify.allow_insecure_urls)";
    }
    return null;
  }
}
