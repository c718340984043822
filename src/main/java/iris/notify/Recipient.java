package iris.notify;

import iris.registry.Ownership.Contact;

/**
 * Where a maintainer (or the default channel) receives messages; any address may be null.
 * Graph posts go to a team's channel ({@code graphTeamId} and {@code graphChannelId}) or to a
 * chat; {@code mention} asks for an @mention in critical alerts' cards, of {@code aadObjectId}
 * (null until resolved from the email).
 */
public record Recipient(String name, String email, String teamsWebhookUrl, String graphTeamId, String graphChannelId,
                        String graphChatId, boolean mention, String aadObjectId) {

  public Recipient(String name, String email, String teamsWebhookUrl) {
    this(name, email, teamsWebhookUrl, null, null, null, false, null);
  }

  static Recipient of(Contact c) {
    return new Recipient(c.name(), c.email(), c.teamsWebhookUrl(), c.graphTeamId(), c.graphChannelId(), c.graphChatId(),
        c.mention(), c.aadObjectId());
  }

  /** How failure messages name a recipient: by name, never by address (a webhook URL holds a secret). */
  static String who(Recipient recipient) {
    return recipient == null || blank(recipient.name()) ? "an unnamed recipient" : recipient.name();
  }

  /** True when Graph posts have somewhere to go. */
  boolean hasGraphDestination() {
    return !blank(graphChatId) || !blank(graphTeamId) && !blank(graphChannelId);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
