package iris.incident;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Alerts from several webhook requests, merged for one transaction: each group and each
 * alert (fingerprint + startsAt) appears once, because one INSERT … ON CONFLICT cannot touch
 * a row twice. Rows are sorted so concurrent transactions lock in the same order.
 */
public final class IngestBatch {
  private final Map<String, Integer> groupIndex = new HashMap<>();
  private final List<AlertGroup> groups = new ArrayList<>();
  private final List<String> traceParents = new ArrayList<>();
  private final Map<String, Alert> alerts = new LinkedHashMap<>();
  private int received;

  /** Adds one request's group and alerts (whose {@code group} is 0). */
  public void add(AlertGroup group, List<Alert> requestAlerts) {
    add(group, requestAlerts, null);
  }

  /** @param traceParent the request's W3C traceparent, stored with the group (null: untraced, keeps the stored one) */
  public void add(AlertGroup group, List<Alert> requestAlerts, String traceParent) {
    Integer index = groupIndex.get(group.identity());
    if (index == null) {
      index = groups.size();
      groupIndex.put(group.identity(), index);
      groups.add(group);
      traceParents.add(traceParent);
    } else {
      groups.set(index, group);
      if (traceParent != null) {
        traceParents.set(index, traceParent);
      }
    }
    for (Alert alert : requestAlerts) {
      Alert placed = alert.inGroup(index);
      alerts.merge(alert.fingerprint() + '\u0000' + alert.startsAt(), placed, Alert::mergedWith);
    }
    received += requestAlerts.size();
  }

  public List<AlertGroup> groups() {
    return groups;
  }

  /** Per group (same order as {@link #groups()}): the traceparent of the last traced request that brought it, or null. */
  public List<String> traceParents() {
    return traceParents;
  }

  public List<Alert> sortedAlerts() {
    List<Alert> sorted = new ArrayList<>(alerts.values());
    sorted.sort(Comparator.comparing(Alert::fingerprint).thenComparing(Alert::startsAt));
    return sorted;
  }

  /** Alerts as received, before merging repeats. */
  public int receivedAlerts() {
    return received;
  }
}
