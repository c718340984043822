package iris.notify;

import iris.IrisConfig;
import iris.registry.Ownership;
import iris.registry.Ownership.Contact;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who hears of an alert, on which channel: the host's maintainers (an override) or else the
 * service's, plus the escalation managers for critical alerts, each filtered by their own
 * minimum severity and channels (teams, email, graph); the default channels when nobody owns the alert.
 */
final class Routing {
  static final String DEFAULT = "default";
  private static final Set<String> SUPPRESSING = Set.of("ignore_alerts", "under_maintenance", "known_issue");

  /** One message destination. */
  record Target(String recipient, String channel) {}

  private Routing() {}

  /** Why the alert must not be notified, if it must not. */
  static Optional<String> suppressedBecause(Ownership owner) {
    for (Ownership.ActiveTag tag : owner.tags()) {
      if (SUPPRESSING.contains(tag.type())) {
        return Optional.of("host " + owner.hostname() + " is tagged " + tag.type()
            + (tag.reason() == null ? "" : " (" + tag.reason() + ")") + " by " + tag.createdBy());
      }
    }
    if (!owner.notifyEnabled()) {
      return Optional.of("notifications are off for host " + owner.hostname() + " or its service");
    }
    return Optional.empty();
  }

  static boolean flaky(Ownership owner) {
    return owner.tags().stream().anyMatch(t -> t.type().equals("flaky"));
  }

  static List<Target> targets(Ownership owner, String severity, IrisConfig.Notify config, Set<String> channels) {
    Map<String, Contact> people = new LinkedHashMap<>();
    owner.maintainers().forEach(c -> people.put(c.name(), c));
    if ("critical".equalsIgnoreCase(severity)) {
      owner.escalation().forEach(c -> people.putIfAbsent(c.name(), c));
    }
    List<Target> targets = new ArrayList<>();
    if (people.isEmpty()) {
      if (!config.defaultTeamsWebhookUrl().isEmpty() && channels.contains("teams")) {
        targets.add(new Target(DEFAULT, "teams"));
      }
      if (!config.defaultEmail().isEmpty() && channels.contains("email")) {
        targets.add(new Target(DEFAULT, "email"));
      }
      if (config.graph().hasDefault() && channels.contains(GraphChannel.NAME)) {
        targets.add(new Target(DEFAULT, GraphChannel.NAME));
      }
      return targets;
    }
    for (Contact c : people.values()) {
      if (!severe(severity, c.minSeverity())) {
        continue;
      }
      if (c.channels().contains("teams") && c.teamsWebhookUrl() != null && channels.contains("teams")) {
        targets.add(new Target(c.name(), "teams"));
      }
      if (c.channels().contains("email") && c.email() != null && channels.contains("email")) {
        targets.add(new Target(c.name(), "email"));
      }
      if (c.channels().contains(GraphChannel.NAME) && c.hasGraphDestination() && channels.contains(GraphChannel.NAME)) {
        targets.add(new Target(c.name(), GraphChannel.NAME));
      }
    }
    return targets;
  }

  static Recipient defaultRecipient(IrisConfig.Notify config) {
    IrisConfig.Graph graph = config.graph();
    return new Recipient(DEFAULT, blankToNull(config.defaultEmail()), blankToNull(config.defaultTeamsWebhookUrl()),
        blankToNull(graph.defaultTeamId()), blankToNull(graph.defaultChannelId()), blankToNull(graph.defaultChatId()), false, null);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  /** An alert without a known severity counts as a warning. */
  static boolean severe(String severity, String minimum) {
    int rank = Composer.rank(severity);
    if (rank >= 4) {
      rank = Composer.rank("warning");
    }
    return rank <= Composer.rank(minimum);
  }
}
