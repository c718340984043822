package iris.registry;

import io.vertx.core.json.JsonObject;
import iris.http.HttpProblem;
import iris.http.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A person (or team) who receives notifications, with how they want them: channels, the
 * lowest severity worth a message, and how often a digest.
 */
public record Maintainer(String name, String email, String teamsWebhookUrl, List<String> channels,
                         String minSeverity, String digestFrequency) {
  static final Set<String> FIELDS = Set.of("name", "email", "teams_webhook_url", "channels", "min_severity", "digest_frequency");
  static final List<String> SEVERITIES = List.of("info", "warning", "critical");
  private static final Set<String> CHANNELS = Set.of("teams", "email");
  private static final Set<String> DIGESTS = Set.of("none", "daily", "weekly", "monthly");
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");

  /** Validates a request body; every problem is a 400 naming its field. */
  static Maintainer from(JsonObject body, boolean allowInsecureUrls) {
    Json.onlyFields(body, FIELDS);
    String name = Json.requiredString(body, "name", 100).strip();
    String email = Json.optionalString(body, "email", 254);
    if (email != null && !EMAIL.matcher(email).matches()) {
      throw HttpProblem.badRequest("email", "not an email address");
    }
    String teams = Json.optionalString(body, "teams_webhook_url", 2000);
    String teamsProblem = teams == null ? null : iris.OutboundUrl.problem(teams, allowInsecureUrls);
    if (teamsProblem != null) {
      throw HttpProblem.badRequest("teams_webhook_url", teamsProblem + " (a Teams Workflows webhook)");
    }
    List<String> channels = Registry.strings(body, "channels", 2);
    if (channels == null) {
      channels = List.of("teams", "email");
    }
    for (String channel : channels) {
      if (!CHANNELS.contains(channel)) {
        throw HttpProblem.badRequest("channels", "each must be teams or email");
      }
    }
    String severity = body.getValue("min_severity") == null ? "info" : Json.requiredString(body, "min_severity", 20);
    if (!SEVERITIES.contains(severity)) {
      throw HttpProblem.badRequest("min_severity", "must be info, warning or critical");
    }
    String digest = body.getValue("digest_frequency") == null ? "daily" : Json.requiredString(body, "digest_frequency", 20);
    if (!DIGESTS.contains(digest)) {
      throw HttpProblem.badRequest("digest_frequency", "must be none, daily, weekly or monthly");
    }
    return new Maintainer(name, email, teams, new ArrayList<>(channels), severity, digest);
  }
}
