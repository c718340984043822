package iris.digest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The numbers of a digest, from the incidents of one scope: counts by severity and state at the
 * period's end, MTTA and MTTR by severity, both against the previous period, and the SLA flags.
 * An incident belongs to the period it started in; its state is what it was at the period's end.
 */
final class Figures {
  /** How many SLA breaches a digest lists by name; the counts cover all of them. */
  static final int LISTED = 20;
  private static final List<String> ORDER = List.of("critical", "warning", "info");

  private Figures() {}

  static Comparator<String> severityOrder() {
    return Comparator.<String>comparingInt(s -> ORDER.contains(s) ? ORDER.indexOf(s) : s.equals("none") ? 99 : 50)
        .thenComparing(Comparator.naturalOrder());
  }

  static JsonObject of(List<Facts.Incident> incidents, Period period, Map<String, Duration> sla) {
    Period before = period.previous();
    List<Facts.Incident> now = incidents.stream().filter(i -> i.startedIn(period)).toList();
    List<Facts.Incident> then = incidents.stream().filter(i -> i.startedIn(before)).toList();
    Map<String, int[]> counts = new TreeMap<>(severityOrder());
    now.forEach(i -> {
      int[] c = counts.computeIfAbsent(i.severityOrNone(), k -> new int[3]);
      c[0]++;
      c[i.resolvedBy(period.end()) ? 1 : 2]++;
    });
    Map<String, Integer> previous = new TreeMap<>(severityOrder());
    then.forEach(i -> previous.merge(i.severityOrNone(), 1, Integer::sum));
    previous.keySet().forEach(s -> counts.computeIfAbsent(s, k -> new int[3]));
    JsonArray bySeverity = new JsonArray();
    counts.forEach((severity, c) -> bySeverity.add(new JsonObject().put("severity", severity).put("total", c[0])
        .put("resolved", c[1]).put("open", c[2]).put("previous_total", previous.getOrDefault(severity, 0))));
    long resolved = now.stream().filter(i -> i.resolvedBy(period.end())).count();
    JsonObject out = new JsonObject()
        .put("total", now.size()).put("previous_total", then.size())
        .put("resolved", resolved).put("open", now.size() - resolved)
        .put("by_severity", bySeverity)
        .put("mtta", means(now, then, period, true, counts.keySet()))
        .put("mttr", means(now, then, period, false, counts.keySet()));
    out.put("sla", sla(incidents, period, sla));
    return out;
  }

  /**
   * Mean time to acknowledge (acknowledged_at − starts_at, of those acknowledged by the period's
   * end) or to resolve (of those resolved by then), overall and by severity, with the previous
   * period's for comparison; null where nothing was acknowledged or resolved.
   */
  private static JsonArray means(List<Facts.Incident> now, List<Facts.Incident> then, Period period, boolean ack,
      java.util.Set<String> seen) {
    Map<String, long[]> current = sums(now, period.end(), ack);
    Map<String, long[]> previous = sums(then, period.previous().end(), ack);
    JsonArray out = new JsonArray();
    java.util.Set<String> severities = new java.util.TreeSet<>(severityOrder());
    severities.addAll(seen);
    severities.remove("all");
    List<String> rows = new ArrayList<>();
    rows.add("all");
    rows.addAll(severities);
    for (String s : rows) {
      long[] c = current.get(s);
      long[] p = previous.get(s);
      out.add(new JsonObject().put("severity", s).put("count", c == null ? 0 : c[1])
          .put("seconds", c == null ? null : c[0] / c[1])
          .put("previous_seconds", p == null ? null : p[0] / p[1]));
    }
    return out;
  }

  private static Map<String, long[]> sums(List<Facts.Incident> incidents, Instant end, boolean ack) {
    Map<String, long[]> sums = new java.util.HashMap<>();
    for (Facts.Incident i : incidents) {
      Instant at = ack ? i.acknowledgedAt() : i.resolvedAt();
      if (at == null || at.isAfter(end)) {
        continue;
      }
      long seconds = Math.max(0, Duration.between(i.startsAt(), at).toSeconds());
      for (String key : List.of("all", i.severityOrNone())) {
        long[] s = sums.computeIfAbsent(key, k -> new long[2]);
        s[0] += seconds;
        s[1]++;
      }
    }
    return sums;
  }

  /**
   * Incidents of the period resolved after their severity's time to resolve, and incidents open
   * at the period's end for longer than it (whenever they started); severities without a time
   * are not flagged.
   */
  private static JsonObject sla(List<Facts.Incident> incidents, Period period, Map<String, Duration> sla) {
    List<JsonObject> over = new ArrayList<>();
    List<JsonObject> openPast = new ArrayList<>();
    for (Facts.Incident i : incidents) {
      Duration limit = sla.get(i.severityOrNone());
      if (limit == null || !i.startsAt().isBefore(period.end())) {
        continue;
      }
      if (i.resolvedBy(period.end())) {
        if (i.startedIn(period) && i.duration().compareTo(limit) > 0) {
          over.add(flag(i, i.duration(), limit));
        }
      } else if (Duration.between(i.startsAt(), period.end()).compareTo(limit) > 0) {
        openPast.add(flag(i, Duration.between(i.startsAt(), period.end()), limit));
      }
    }
    Comparator<JsonObject> worst = Comparator.comparingDouble((JsonObject o) -> -o.getLong("took_seconds") / (double) o.getLong("limit_seconds"))
        .thenComparing(o -> o.getLong("id"));
    over.sort(worst);
    openPast.sort(worst);
    return new JsonObject().put("limits", limits(sla))
        .put("over_count", over.size()).put("over", new JsonArray(new ArrayList<>(over.subList(0, Math.min(LISTED, over.size())))))
        .put("open_past_count", openPast.size())
        .put("open_past", new JsonArray(new ArrayList<>(openPast.subList(0, Math.min(LISTED, openPast.size())))));
  }

  private static JsonObject limits(Map<String, Duration> sla) {
    JsonObject out = new JsonObject();
    sla.forEach((k, v) -> out.put(k, v.toSeconds()));
    return out;
  }

  private static JsonObject flag(Facts.Incident i, Duration took, Duration limit) {
    return new JsonObject().put("id", i.id()).put("alertname", i.alertname()).put("instance", i.instance())
        .put("severity", i.severityOrNone()).put("starts_at", i.startsAt().toString())
        .put("took_seconds", took.toSeconds()).put("limit_seconds", limit.toSeconds());
  }
}
