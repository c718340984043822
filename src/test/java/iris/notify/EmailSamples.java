package iris.notify;

import iris.Templates;
import iris.notify.Notification.AlertLine;
import iris.notify.Notification.Link;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Notifications for the email tests: a firing group of three and its resolution. */
final class EmailSamples {
  static final Instant T0 = Instant.parse("2026-11-24T03:12:00Z");
  static final List<String> STEPS = List.of(
      "Find the largest process with ps aux --sort=-rss | head",
      "Restart the leaking worker",
      "Open a ticket for the leak");

  private EmailSamples() {}

  static EmailRenderer renderer() {
    return new EmailRenderer(new Templates(null));
  }

  static Notification firing() {
    return firing("HostOutOfMemory", 3);
  }

  static Notification firing(String alertname, int count) {
    List<AlertLine> alerts = java.util.stream.IntStream.rangeClosed(1, count)
        .mapToObj(i -> new AlertLine(alertname, "node-" + i + ":9100", "critical", T0.plusSeconds(60L * (i - 1))))
        .toList();
    return new Notification(42, "firing", "critical", alertname + " on node-1:9100",
        "Memory on node-1 is nearly exhausted.", "A leaking worker process.", STEPS, alerts,
        List.of(new Link("Alertmanager", "http://alertmanager:9093/#/alerts?filter={alertname=\"HostOutOfMemory\"}&silenced=false"),
            new Link("Prometheus", "http://prometheus:9090/graph?g0.expr=node_memory_MemAvailable_bytes"),
            new Link("Runbook", "https://wiki.example.com/runbooks/HostOutOfMemory")),
        "llm", null);
  }

  static Notification resolved(Duration lasted) {
    Notification f = firing();
    return new Notification(f.groupId(), "resolved", f.severity(), f.title(), f.summary(), f.probableCause(),
        f.remediation(), f.alerts(), f.links(), "template", lasted);
  }
}
