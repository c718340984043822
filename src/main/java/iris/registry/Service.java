package iris.registry;

import io.vertx.core.json.JsonObject;
import iris.http.Json;
import java.util.List;
import java.util.Set;

/** A service: what it is, who maintains it, who is escalated to for critical alerts. */
public record Service(String name, String description, List<String> maintainers, String escalationManager, boolean notifyEnabled) {
  static final Set<String> FIELDS = Set.of("name", "description", "maintainers", "escalation_manager", "notify");

  static Service from(JsonObject body) {
    Json.onlyFields(body, FIELDS);
    List<String> maintainers = Registry.strings(body, "maintainers", 50);
    return new Service(Json.requiredString(body, "name", 100).strip(), Json.optionalString(body, "description", 2000),
        maintainers == null ? List.of() : maintainers, Json.optionalString(body, "escalation_manager", 100),
        Registry.flag(body, "notify", true));
  }
}
