package iris.notify;

import iris.notify.NotifyStore.Pending;
import iris.notify.Outbox.Told;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What to do with resolutions: whoever got the firing message gets the resolved one; nobody
 * hears of an alert that fired and resolved unseen; and while a firing message of the alert is
 * still to be sent (retrying, or on the wire), the resolution waits for it — so no one ever
 * gets a firing message after the resolution without the resolved one.
 */
final class Resolve {
  private Resolve() {}

  /**
   * @param tell incidents per destination that received their firing message
   * @param waiting incidents whose firing message is not settled yet
   * @param silent incidents nobody was told of, with why
   */
  record Decision(Map<Routing.Target, List<Pending>> tell, List<Pending> waiting, Map<Pending, String> silent) {}

  /** @param told the firing messages of these incidents, after those that could be were cancelled */
  static Decision decide(List<Pending> resolved, List<Told> told) {
    Map<Routing.Target, List<Pending>> tell = new LinkedHashMap<>();
    List<Pending> waiting = new ArrayList<>();
    Map<Pending, String> silent = new LinkedHashMap<>();
    // by incident: a huge group's resolution meets a firing message of as many incidents
    Map<Long, List<Told>> byIncident = new HashMap<>();
    told.forEach(t -> t.incidentIds().forEach(id -> byIncident.computeIfAbsent(id, k -> new ArrayList<>()).add(t)));
    for (Pending p : resolved) {
      List<Told> mine = byIncident.getOrDefault(p.id(), List.of());
      if (mine.stream().anyMatch(t -> "queued".equals(t.state()))) {
        waiting.add(p);
        continue;
      }
      Set<Routing.Target> sent = new LinkedHashSet<>();
      mine.stream().filter(t -> "sent".equals(t.state())).forEach(t -> sent.add(new Routing.Target(t.recipient(), t.channel())));
      if (!sent.isEmpty()) {
        sent.forEach(t -> tell.computeIfAbsent(t, k -> new ArrayList<>()).add(p));
      } else if (mine.stream().anyMatch(t -> "cancelled".equals(t.state()))) {
        silent.put(p, "resolved before its firing message was sent");
      } else {
        silent.put(p, "its firing message was never sent (suppressed, held as flaky, or undeliverable)");
      }
    }
    return new Decision(tell, waiting, silent);
  }
}
