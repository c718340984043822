package iris.digest;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** What a digest is built from, as the store reads it once for every recipient. */
final class Facts {
  private Facts() {}

  /**
   * An incident: when it started, was acknowledged and resolved (null while open), and the
   * maintenance occurrences that muted it.
   */
  record Incident(long id, String alertname, String severity, String instance, String service, Instant startsAt,
                  Instant acknowledgedAt, Instant resolvedAt, List<Long> mutedBy) {

    /** Resolved by {@code at} (the end of the period): later resolutions do not count yet. */
    boolean resolvedBy(Instant at) {
      return resolvedAt != null && !resolvedAt.isAfter(at);
    }

    Duration duration() {
      return resolvedAt == null ? null : Duration.between(startsAt, resolvedAt);
    }

    boolean startedIn(Period p) {
      return !startsAt.isBefore(p.start()) && startsAt.isBefore(p.end());
    }

    String severityOrNone() {
      return severity == null || severity.isBlank() ? "none" : severity.toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** A maintenance occurrence that overlaps the period, with its window's scope. */
  record Window(long occurrenceId, long windowId, String title, String type, String category, List<String> hosts,
                List<String> services, boolean matchers, Instant from, Instant to, String state) {
    boolean covers(Instant t) {
      return !t.isBefore(from) && t.isBefore(to);
    }
  }

  record Deployment(long id, String service, String environment, String version, String previousVersion, String change,
                    String status, List<String> hosts, Instant startedAt, String deployedBy) {}
}
