package iris.incident;

import java.time.OffsetDateTime;

/**
 * One alert as Alertmanager sent it, validated. Labels and annotations stay as JSON text:
 * they are stored as they came and never inspected again on the hot path.
 *
 * @param endsAt only for resolved alerts; a firing alert's endsAt is not an end
 * @param deliveries how many webhook deliveries carried this alert (repeats merged in one batch)
 * @param group index of the alert's group in its {@link IngestBatch}
 */
public record Alert(
    String fingerprint,
    String status,
    OffsetDateTime startsAt,
    OffsetDateTime endsAt,
    String alertname,
    String severity,
    String instance,
    String service,
    String labelsJson,
    String annotationsJson,
    String generatorUrl,
    int deliveries,
    int group) {

  public boolean resolved() {
    return "resolved".equals(status);
  }

  public Alert inGroup(int newGroup) {
    return new Alert(fingerprint, status, startsAt, endsAt, alertname, severity, instance, service,
        labelsJson, annotationsJson, generatorUrl, deliveries, newGroup);
  }

  /** Two deliveries of the same alert: the newer facts win, a resolution is never undone. */
  public Alert mergedWith(Alert later) {
    boolean isResolved = resolved() || later.resolved();
    OffsetDateTime end = later.resolved() ? later.endsAt : endsAt;
    return new Alert(fingerprint, isResolved ? "resolved" : "firing", startsAt, end,
        later.alertname, later.severity, later.instance, later.service, later.labelsJson,
        later.annotationsJson, later.generatorUrl, deliveries + later.deliveries, later.group);
  }
}
