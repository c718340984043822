package iris.enroll;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What detection found on a host: its OS, architecture and the services worth monitoring.
 *
 * @param arch as the host names it ({@code x86_64}, {@code aarch64}, {@code AMD64})
 * @param firewall {@code ufw}, {@code firewalld}, {@code windows} or {@code none}: the active one
 */
public record HostFacts(String hostname, OsFamily family, String osId, String osName, String osVersion, String arch,
                        List<DetectedService> services, String firewall) {

  /** One service worth monitoring and what showed it (a unit, a port, a Windows service). */
  public record DetectedService(String name, String evidence) {}

  /** Debian and RPM architecture names of Alloy's packages. */
  public String packageArch() {
    return switch (arch.toLowerCase(java.util.Locale.ROOT)) {
      case "aarch64", "arm64" -> "arm64";
      case "armv7l", "armhf" -> "armv7";
      case "ppc64le" -> "ppc64le";
      case "s390x" -> "s390x";
      default -> "amd64";
    };
  }

  public List<String> serviceNames() {
    return services.stream().map(DetectedService::name).toList();
  }

  public JsonObject toJson() {
    JsonArray found = new JsonArray();
    services.forEach(s -> found.add(new JsonObject().put("name", s.name()).put("evidence", s.evidence())));
    return new JsonObject().put("hostname", hostname).put("os_family", family.label()).put("os_id", osId)
        .put("os_name", osName).put("os_version", osVersion).put("arch", arch).put("services", found).put("firewall", firewall);
  }
}
