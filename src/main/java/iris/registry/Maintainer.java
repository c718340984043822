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
 * lowest severity worth a message, and how often a digest; where Teams posts through Graph go
 * (a team's channel or a chat), whether critical alerts @mention them, and their Azure AD
 * object id (null: resolved from the email at the first mention).
 */
public record Maintainer(String name, String email, String teamsWebhookUrl, List<String> channels,
                         String minSeverity, String digestFrequency, String graphTeamId, String graphChannelId,
                         String graphChatId, boolean mention, String aadObjectId) {
  static final Set<String> FIELDS = Set.of("name", "email", "teams_webhook_url", "channels", "min_severity", "digest_frequency",
      "graph_team_id", "graph_channel_id", "graph_chat_id", "mention", "aad_object_id");
  static final List<String> SEVERITIES = List.of("info", "warning", "critical");
  private static final Set<String> CHANNELS = Set.of("teams", "email", "graph");
  /** Teams' ids: GUIDs for teams and users, "19:…@thread.tacv2" for channels, "19:…@thread.v2" or "…@unq.gbl.spaces" for chats. */
  private static final Pattern GRAPH_ID = Pattern.compile("^[A-Za-z0-9:@._=-]{1,300}$");
  private static final Pattern OBJECT_ID = Pattern.compile("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
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
        throw HttpProblem.badRequest("channels", "each must be teams, email or graph");
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
    String team = graphId(body, "graph_team_id");
    String channel = graphId(body, "graph_channel_id");
    String chat = graphId(body, "graph_chat_id");
    if ((team == null) != (channel == null)) {
      throw HttpProblem.badRequest(team == null ? "graph_team_id" : "graph_channel_id",
          "a Teams channel is named by graph_team_id and graph_channel_id together");
    }
    if (chat != null && team != null) {
      throw HttpProblem.badRequest("graph_chat_id", "Graph posts go to a team's channel or to a chat, not both");
    }
    Object mention = body.getValue("mention");
    if (mention != null && !(mention instanceof Boolean)) {
      throw HttpProblem.badRequest("mention", "must be true or false");
    }
    String objectId = Json.optionalString(body, "aad_object_id", 36);
    if (objectId != null && !OBJECT_ID.matcher(objectId).matches()) {
      throw HttpProblem.badRequest("aad_object_id", "an Azure AD object id (a GUID)");
    }
    return new Maintainer(name, email, teams, new ArrayList<>(channels), severity, digest, team, channel, chat,
        Boolean.TRUE.equals(mention), objectId == null ? null : objectId.toLowerCase(java.util.Locale.ROOT));
  }

  private static String graphId(JsonObject body, String field) {
    String id = Json.optionalString(body, field, 300);
    if (id != null && id.isBlank()) {
      return null;
    }
    if (id != null && !GRAPH_ID.matcher(id.strip()).matches()) {
      throw HttpProblem.badRequest(field, "a Teams id (letters, digits and : @ . _ = -), as Graph or the channel's link shows it");
    }
    return id == null ? null : id.strip();
  }
}
