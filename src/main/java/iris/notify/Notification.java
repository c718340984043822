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
 * @param others the enrichment of each other alert name in the group (summary, probableCause
 *     and remediation are the most severe one's)
 * @param alerts the first alerts, most severe first: a sample when the group is large
 * @param host how the lead alert's host is doing, from its latest metrics snapshot ("db1: disk /
 *     91 % (critical), +1.2 %/day, full in ~7 days"); empty when there is none
 * @param extent how many alerts the message tells of in all, by alert name and severity
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
    Duration duration,
    List<Finding> others,
    String host,
    Extent extent) implements Message {

  public Notification {
    others = others == null ? List.of() : List.copyOf(others);
    host = host == null ? "" : host;
    extent = extent == null ? new Extent(alerts == null ? 0 : alerts.size(), List.of(), 0) : extent;
  }

  /** A notification whose alert lines are all its alerts. */
  public Notification(long groupId, String state, String severity, String title, String summary, String probableCause,
      List<String> remediation, List<AlertLine> alerts, List<Link> links, String generatedBy, Duration duration,
      List<Finding> others, String host) {
    this(groupId, state, severity, title, summary, probableCause, remediation, alerts, links, generatedBy, duration, others, host,
        null);
  }

  /** A notification without a word on its host, whose alert lines are all its alerts. */
  public Notification(long groupId, String state, String severity, String title, String summary, String probableCause,
      List<String> remediation, List<AlertLine> alerts, List<Link> links, String generatedBy, Duration duration, List<Finding> others) {
    this(groupId, state, severity, title, summary, probableCause, remediation, alerts, links, generatedBy, duration, others, "", null);
  }

  /** A notification about one alert name only. */
  public Notification(long groupId, String state, String severity, String title, String summary, String probableCause,
      List<String> remediation, List<AlertLine> alerts, List<Link> links, String generatedBy, Duration duration) {
    this(groupId, state, severity, title, summary, probableCause, remediation, alerts, links, generatedBy, duration, List.of());
  }

  /**
   * The size of what the message tells of, for a group larger than its lines.
   *
   * @param alerts alerts the message tells of (its lines are the first of them)
   * @param counts alerts by name and severity, the most frequent first (bounded)
   * @param notSent alerts Alertmanager left out of the group's webhook ({@code truncatedAlerts})
   */
  public record Extent(int alerts, List<Count> counts, int notSent) {
    public Extent {
      counts = counts == null ? List.of() : List.copyOf(counts);
    }
  }

  /** How many alerts of one name and severity. */
  public record Count(String alertname, String severity, int alerts) {}

  /** What enrichment found for one alert name of the group. */
  public record Finding(String alertname, String summary, String probableCause, List<String> remediation, Link runbook) {}

  /** One alert of the group as a line: name, instance, severity, since when. */
  public record AlertLine(String alertname, String instance, String severity, Instant since) {}

  /** A link for an {@code Action.OpenUrl} or an HTML anchor: Alertmanager, Prometheus, runbook. */
  public record Link(String title, String url) {}

  public boolean resolved() {
    return "resolved".equals(state);
  }
}
