package iris.registry;

import io.vertx.core.json.JsonObject;
import iris.http.HttpProblem;
import iris.http.Json;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Set;

/**
 * A mark on a host that changes what its alerts do: {@code ignore_alerts},
 * {@code under_maintenance} and {@code known_issue} suppress notifications, {@code flaky}
 * holds them until the alert has fired for a while, {@code custom} only informs.
 */
public record HostTag(String type, String name, String reason, JsonObject metadata, OffsetDateTime expiresAt) {
  static final Set<String> TYPES = Set.of("ignore_alerts", "known_issue", "under_maintenance", "flaky", "custom");
  static final Set<String> FIELDS = Set.of("type", "name", "reason", "metadata", "expires_at");

  static HostTag from(JsonObject body, OffsetDateTime now) {
    Json.onlyFields(body, FIELDS);
    String type = Json.requiredString(body, "type", 40);
    if (!TYPES.contains(type)) {
      throw HttpProblem.badRequest("type", "must be ignore_alerts, known_issue, under_maintenance, flaky or custom");
    }
    String name = Json.optionalString(body, "name", 200);
    if ("custom".equals(type) && (name == null || name.isBlank())) {
      throw HttpProblem.badRequest("name", "required for a custom tag");
    }
    Object metadata = body.getValue("metadata");
    if (metadata != null && !(metadata instanceof JsonObject)) {
      throw HttpProblem.badRequest("metadata", "must be an object");
    }
    OffsetDateTime expires = null;
    String rawExpiry = Json.optionalString(body, "expires_at", 64);
    if (rawExpiry != null) {
      try {
        expires = OffsetDateTime.parse(rawExpiry);
      } catch (DateTimeParseException e) {
        throw HttpProblem.badRequest("expires_at", "must be an RFC 3339 time with offset, e.g. 2026-12-01T18:00:00Z");
      }
      if (!expires.isAfter(now)) {
        throw HttpProblem.badRequest("expires_at", "must be in the future");
      }
    }
    return new HostTag(type, name, Json.optionalString(body, "reason", 2000),
        metadata == null ? new JsonObject() : (JsonObject) metadata, expires);
  }
}
