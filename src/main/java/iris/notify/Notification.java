package iris.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One message about one Alertmanager group, whatever the channel: what is firing (or was
 * resolved), what it probably means and what to do. Channels render it; they never reach
 * back into the database.
 *
 * @param state "firing" or "resolved"
 * @param severity the group's highest severity (critical, warning, info, or empty)
 * @param duration for a resolved group, how long it fired; null while firing
 */
public record Notification(
    long groupId,
    String state,
    String severity,
    String title,
    String summary,
    String probableCause,
    List<String> remediation,
    List<AlertLine> alerts,
    List<Link> links,
    String generatedBy,
    Duration duration) {

  /** One alert of the group as a line: name, instance, severity, since when. */
  public record AlertLine(String alertname, String instance, String severity, Instant since) {}

  /** A link for an {@code Action.OpenUrl} or an HTML anchor: Alertmanager, Prometheus, runbook. */
  public record Link(String title, String url) {}

  public boolean resolved() {
    return "resolved".equals(state);
  }
}
