package iris.registry;

import java.util.List;

/**
 * What the registry says about one alert: the host it came from (if known), the service,
 * whether notifications are on, the host's active tags, and who should hear of it.
 *
 * @param maintainers the host's maintainers if it has any (an override), else the services'
 * @param escalation the services' escalation managers, told of critical alerts
 */
public record Ownership(Long hostId, String hostname, List<String> services, boolean notifyEnabled,
                        List<ActiveTag> tags, List<Contact> maintainers, List<Contact> escalation) {

  /** An active tag: type, name, reason, for suppression and the message. */
  public record ActiveTag(long id, String type, String name, String reason, String createdBy) {}

  /**
   * A maintainer as delivery needs them: addresses, channels and severity, where Graph posts go
   * (a team's channel, or a chat), whether critical alerts mention them, their Azure AD object id.
   */
  public record Contact(String name, String email, String teamsWebhookUrl, List<String> channels, String minSeverity,
                        String graphTeamId, String graphChannelId, String graphChatId, boolean mention, String aadObjectId) {
    public Contact(String name, String email, String teamsWebhookUrl, List<String> channels, String minSeverity) {
      this(name, email, teamsWebhookUrl, channels, minSeverity, null, null, null, false, null);
    }

    /** True when Graph posts for this maintainer have somewhere to go. */
    public boolean hasGraphDestination() {
      return graphChatId != null || graphTeamId != null && graphChannelId != null;
    }
  }

  public static Ownership unknown() {
    return new Ownership(null, null, List.of(), true, List.of(), List.of(), List.of());
  }
}
