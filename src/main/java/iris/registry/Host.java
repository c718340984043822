package iris.registry;

import io.vertx.core.json.JsonObject;
import iris.http.Json;
import java.util.List;
import java.util.Set;

/**
 * A monitored host. Enrollment creates and fills these; the registry stands alone, so hosts
 * can also be written by hand or by another inventory.
 */
public record Host(String hostname, String address, String os, String environment, JsonObject labels,
                   List<String> services, List<String> maintainers, boolean notifyEnabled) {
  static final Set<String> FIELDS = Set.of("hostname", "address", "os", "environment", "labels", "services", "maintainers", "notify");

  /** What enrollment records about a host: shown, never written through the registry (a PUT may carry them back). */
  static final Set<String> SET_BY_ENROLLMENT = Set.of("os_version", "arch", "enrolled_at", "prometheus", "alloy_version");

  static Host from(JsonObject body) {
    JsonObject writable = body.copy();
    SET_BY_ENROLLMENT.forEach(writable::remove);
    body = writable;
    Json.onlyFields(body, FIELDS);
    List<String> services = Registry.strings(body, "services", 50);
    List<String> maintainers = Registry.strings(body, "maintainers", 50);
    return new Host(Json.requiredString(body, "hostname", 253).strip(), Json.optionalString(body, "address", 253),
        Json.optionalString(body, "os", 100), Json.optionalString(body, "environment", 100),
        Registry.stringMap(body, "labels"), services == null ? List.of() : services,
        maintainers == null ? List.of() : maintainers, Registry.flag(body, "notify", true));
  }
}
