package iris.notify;

import iris.notify.NotifyStore.Pending;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One message per alert group, recipient and channel, whatever the alert names in it: the
 * routed incidents of a group collected by where they go.
 */
final class Group {
  private Group() {}

  /** A message to be: one destination and the incidents it tells of, in the order routed. */
  record Batch(Routing.Target target, List<Pending> incidents) {}

  static List<Batch> byTarget(Map<Pending, List<Routing.Target>> routed) {
    Map<Routing.Target, List<Pending>> by = new LinkedHashMap<>();
    routed.forEach((incident, targets) -> targets.forEach(t -> by.computeIfAbsent(t, k -> new ArrayList<>()).add(incident)));
    List<Batch> batches = new ArrayList<>();
    by.forEach((target, incidents) -> batches.add(new Batch(target, List.copyOf(incidents))));
    return batches;
  }
}
