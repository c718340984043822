package iris.notify;

import iris.incident.Pipeline;
import iris.notify.Notification.Count;
import iris.notify.NotifyStore.Pending;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * One message being gathered from the slices of a claimed group, for one recipient: the id of
 * every incident it tells of, and only a bounded sample of the incidents themselves (the most
 * severe for its lines, the most severe of each alert name for its findings) with counts for
 * the rest. A datacenter's 50,000 alerts make one message of bounded size, read slice by slice.
 */
final class Draft {
  /** Alert lines a message keeps; cards and emails show fewer. */
  static final int MAX_LINES = 50;
  /** Alert names whose enrichment a message keeps. */
  static final int MAX_NAMES = 50;
  /** Alert name and severity pairs counted in the message; the rest are "others". */
  static final int MAX_COUNTS = 20;
  /** Most severe first, then oldest. */
  static final Comparator<Pending> SEVERITY_FIRST =
      Comparator.comparingInt((Pending p) -> Composer.rank(p.severity())).thenComparingLong(Pending::id);

  private record Kind(String alertname, String severity) {}

  final String kind;
  final Routing.Target target;
  private final List<Long> ids = new ArrayList<>();
  /** The {@link #MAX_LINES} most severe so far; its head is the least severe of them. */
  private final PriorityQueue<Pending> lines = new PriorityQueue<>(SEVERITY_FIRST.reversed());
  private final Map<String, Pending> firstByName = new LinkedHashMap<>();
  private final Map<Kind, Integer> counts = new HashMap<>();
  private Duration longest;
  private String stillFiring;
  private int notSent;

  Draft(String kind, Routing.Target target) {
    this.kind = kind;
    this.target = target;
  }

  static Draft of(String kind, Routing.Target target, List<Pending> incidents) {
    Draft draft = new Draft(kind, target);
    incidents.forEach(draft::add);
    return draft;
  }

  void add(Pending p) {
    ids.add(p.id());
    lines.add(p);
    if (lines.size() > MAX_LINES) {
      lines.poll();
    }
    Pending first = firstByName.get(p.alertname());
    if (first == null ? firstByName.size() < MAX_NAMES : SEVERITY_FIRST.compare(p, first) < 0) {
      firstByName.put(p.alertname(), p);
    }
    counts.merge(new Kind(p.alertname(), p.severity()), 1, Integer::sum);
    if (p.endsAt() != null && p.startsAt() != null) {
      Duration lasted = Duration.between(p.startsAt(), p.endsAt());
      longest = longest == null || lasted.compareTo(longest) > 0 ? lasted : longest;
    }
    if (stillFiring == null && p.note() != null && p.note().startsWith(Pipeline.STILL_FIRING)) {
      stillFiring = p.note();
    }
    notSent = Math.max(notSent, p.notSent());
  }

  List<Long> ids() {
    return ids.stream().distinct().sorted().toList();
  }

  int size() {
    return ids.size();
  }

  /** The kept incidents, most severe first. */
  List<Pending> lines() {
    List<Pending> sorted = new ArrayList<>(lines);
    sorted.sort(SEVERITY_FIRST);
    return sorted;
  }

  /** The most severe incident of each alert name kept, most severe first. */
  List<Pending> firstOfEachName() {
    List<Pending> sorted = new ArrayList<>(firstByName.values());
    sorted.sort(SEVERITY_FIRST);
    return sorted;
  }

  /** Alerts by name and severity, the most frequent first (ties by name), at most {@link #MAX_COUNTS}. */
  List<Count> counts() {
    return counts.entrySet().stream()
        .sorted(Map.Entry.<Kind, Integer>comparingByValue().reversed()
            .thenComparing(e -> String.valueOf(e.getKey().alertname())))
        .limit(MAX_COUNTS)
        .map(e -> new Count(e.getKey().alertname(), e.getKey().severity(), e.getValue()))
        .toList();
  }

  /** How long the longest-lasting resolved alert fired, or null. */
  Duration longest() {
    return longest;
  }

  /** The reason of an alert sent on after its maintenance window, or null. */
  String stillFiring() {
    return stillFiring;
  }

  int notSent() {
    return notSent;
  }
}
