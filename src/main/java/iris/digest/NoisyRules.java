package iris.digest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.registry.HostStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The alert rules that fired most in a scope over the period, each with what to change: a rule
 * whose fires end within minutes wants a longer {@code for:}; one that fires only during
 * maintenance wants the window scoped to it; one that starts with another rule in most cases
 * wants an inhibit rule; one that always fires on the same host wants that host fixed or tagged
 * flaky. The counts of the previous period stand beside each.
 */
final class NoisyRules {
  /** Fewer fires than this show no pattern worth a change. */
  static final int MIN_FIRES = 3;
  /** Shares of a rule's fires above which a pattern counts. */
  static final double SHORT_SHARE = 0.5;
  static final double CO_FIRE_SHARE = 0.7;
  static final double SAME_HOST_SHARE = 0.8;

  record Settings(int limit, Duration shortFire, Duration coFireWindow) {}

  private NoisyRules() {}

  static JsonArray of(List<Facts.Incident> incidents, Period period, List<Facts.Window> windows, Estate estate, Settings settings) {
    Map<String, List<Facts.Incident>> now = incidents.stream().filter(i -> i.startedIn(period))
        .collect(Collectors.groupingBy(Facts.Incident::alertname, LinkedHashMap::new, Collectors.toList()));
    Map<String, Long> before = incidents.stream().filter(i -> i.startedIn(period.previous()))
        .collect(Collectors.groupingBy(Facts.Incident::alertname, Collectors.counting()));
    Map<String, long[]> starts = new HashMap<>();
    now.forEach((name, list) -> starts.put(name, list.stream().mapToLong(i -> i.startsAt().toEpochMilli()).sorted().toArray()));
    List<String> noisiest = now.keySet().stream()
        .sorted(Comparator.comparingInt((String n) -> -now.get(n).size()).thenComparing(Function.identity()))
        .limit(settings.limit()).toList();
    JsonArray out = new JsonArray();
    for (String name : noisiest) {
      List<Facts.Incident> fires = now.get(name);
      JsonObject rule = new JsonObject().put("alertname", name).put("count", fires.size())
          .put("previous_count", before.getOrDefault(name, 0L));
      JsonArray suggestions = new JsonArray();
      if (fires.size() >= MIN_FIRES) {
        boolean maintenance = maintenance(rule, suggestions, name, fires, windows);
        shortFires(rule, suggestions, fires, period, settings.shortFire());
        coFires(rule, suggestions, name, fires, now, starts, settings.coFireWindow());
        // a rule the maintenance explains is not its hosts' fault
        sameHost(rule, maintenance ? null : suggestions, fires, estate);
      }
      if (suggestions.isEmpty()) {
        suggestions.add(suggestion("review", fires.size() < MIN_FIRES
            ? "Too few fires to see a pattern."
            : "No pattern in its " + fires.size() + " fires: review its threshold against what the team acts on."));
      }
      out.add(rule.put("suggestions", suggestions));
    }
    return out;
  }

  /** True when every fire came during maintenance (and the suggestion is to scope the window). */
  private static boolean maintenance(JsonObject rule, JsonArray suggestions, String name, List<Facts.Incident> fires,
      List<Facts.Window> windows) {
    List<Facts.Window> during = new ArrayList<>();
    int muted = 0;
    int inside = 0;
    for (Facts.Incident i : fires) {
      List<Facts.Window> covering = windows.stream().filter(w -> w.covers(i.startsAt()) || i.mutedBy().contains(w.occurrenceId())).toList();
      if (!covering.isEmpty() || !i.mutedBy().isEmpty()) {
        inside++;
        covering.stream().filter(w -> !during.contains(w)).forEach(during::add);
      }
      if (!i.mutedBy().isEmpty()) {
        muted++;
      }
    }
    rule.put("during_maintenance", inside).put("muted", muted);
    if (inside < fires.size()) {
      return false;
    }
    String titles = during.stream().map(Facts.Window::title).distinct().limit(3).collect(Collectors.joining(", "));
    List<String> hosts = fires.stream().map(i -> HostStore.hostPart(i.instance())).filter(Objects::nonNull).distinct().sorted().limit(5).toList();
    int unmuted = fires.size() - muted;
    suggestions.add(suggestion("scope_window", "Fires only during maintenance (all " + fires.size() + " fires, in " + titles + "): "
        + (unmuted > 0
            ? unmuted + " went out unmuted; add " + (hosts.isEmpty() ? "a matcher alertname=\"" + name + "\"" : String.join(", ", hosts))
              + " to the window's scope."
            : "every fire was muted; scope the window to it explicitly (matcher alertname=\"" + name + "\") or stop the cause the maintenance triggers.")));
    return true;
  }

  private static void shortFires(JsonObject rule, JsonArray suggestions, List<Facts.Incident> fires, Period period, Duration shortFire) {
    long[] durations = fires.stream().filter(i -> i.resolvedBy(period.end())).mapToLong(i -> i.duration().toSeconds()).sorted().toArray();
    if (durations.length == 0) {
      return;
    }
    long[] shortOnes = Arrays.stream(durations).filter(d -> d <= shortFire.toSeconds()).toArray();
    rule.put("median_seconds", durations[durations.length / 2]).put("short", shortOnes.length);
    if (shortOnes.length < MIN_FIRES || shortOnes.length < SHORT_SHARE * fires.size()) {
      return;
    }
    long p90 = shortOnes[Math.min(shortOnes.length - 1, (int) Math.ceil(0.9 * shortOnes.length) - 1)];
    long minutes = Math.max(1, (p90 + 59) / 60 + (p90 % 60 == 0 ? 1 : 0));
    suggestions.add(suggestion("raise_for", shortOnes.length + " of " + fires.size() + " fires resolved within "
        + human(shortFire) + " (median " + human(Duration.ofSeconds(durations[durations.length / 2])) + "): raise its `for:` to "
        + minutes + "m so it fires only when the condition lasts."));
    rule.put("suggested_for", minutes + "m");
  }

  private static void coFires(JsonObject rule, JsonArray suggestions, String name, List<Facts.Incident> fires,
      Map<String, List<Facts.Incident>> all, Map<String, long[]> starts, Duration window) {
    long w = window.toMillis();
    long[] mine = starts.get(name);
    String best = null;
    int bestHits = 0;
    for (Map.Entry<String, List<Facts.Incident>> other : all.entrySet()) {
      if (other.getKey().equals(name) || other.getValue().size() < MIN_FIRES) {
        continue;
      }
      int hits = 0;
      for (long t : mine) {
        if (near(starts.get(other.getKey()), t, w) != null) {
          hits++;
        }
      }
      if (hits > bestHits || hits == bestHits && hits > 0 && other.getKey().compareTo(best) < 0) {
        best = other.getKey();
        bestHits = hits;
      }
    }
    if (best == null || bestHits < MIN_FIRES || bestHits < CO_FIRE_SHARE * fires.size()) {
      return;
    }
    // who comes first, and whether they fire on the same host: only for the rule chosen
    long[] theirs = starts.get(best);
    Map<String, long[]> theirsByHost = byHost(all.get(best));
    int otherFirst = 0;
    int sameHost = 0;
    for (Facts.Incident i : fires) {
      long t = i.startsAt().toEpochMilli();
      Long hit = near(theirs, t, w);
      if (hit == null) {
        continue;
      }
      if (hit <= t) {
        otherFirst++;
      }
      String host = HostStore.hostPart(i.instance());
      if (host != null && near(theirsByHost.get(host.toLowerCase(Locale.ROOT)), t, w) != null) {
        sameHost++;
      }
    }
    boolean otherIsCause = otherFirst * 2 >= bestHits;
    String source = otherIsCause ? best : name;
    String target = otherIsCause ? name : best;
    boolean equalInstance = sameHost * 2 > bestHits;
    String inhibit = "source_matchers: [alertname=\"" + source + "\"], target_matchers: [alertname=\"" + target + "\"]"
        + (equalInstance ? ", equal: [instance]" : "");
    rule.put("co_fires_with", new JsonObject().put("alertname", best).put("count", bestHits).put("inhibit", inhibit));
    suggestions.add(suggestion("inhibit", bestHits + " of " + fires.size() + " fires started within " + human(window) + " of "
        + best + (otherIsCause ? " (which came first)" : " (which followed)") + ": add an Alertmanager inhibit rule "
        + inhibit + "."));
  }

  /** The start in sorted {@code starts} nearest after {@code t - w}, if it is within {@code w} of {@code t}. */
  private static Long near(long[] starts, long t, long w) {
    if (starts == null || starts.length == 0) {
      return null;
    }
    int at = Arrays.binarySearch(starts, t - w);
    int from = at >= 0 ? at : -at - 1;
    return from < starts.length && starts[from] <= t + w ? starts[from] : null;
  }

  private static Map<String, long[]> byHost(List<Facts.Incident> incidents) {
    Map<String, List<Long>> lists = new HashMap<>();
    for (Facts.Incident i : incidents) {
      String host = HostStore.hostPart(i.instance());
      if (host != null) {
        lists.computeIfAbsent(host.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(i.startsAt().toEpochMilli());
      }
    }
    Map<String, long[]> out = new HashMap<>();
    lists.forEach((k, v) -> out.put(k, v.stream().mapToLong(Long::longValue).sorted().toArray()));
    return out;
  }

  private static void sameHost(JsonObject rule, JsonArray suggestions, List<Facts.Incident> fires, Estate estate) {
    Map<String, Long> byHost = fires.stream().map(i -> HostStore.hostPart(i.instance())).filter(Objects::nonNull)
        .map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    rule.put("hosts", byHost.size());
    if (byHost.isEmpty()) {
      return;
    }
    Map.Entry<String, Long> top = byHost.entrySet().stream()
        .max(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder()))).get();
    rule.put("top_host", top.getKey()).put("top_host_count", top.getValue());
    if (suggestions == null || top.getValue() < MIN_FIRES || top.getValue() < SAME_HOST_SHARE * fires.size()) {
      return;
    }
    Long hostId = estate.host(top.getKey());
    String host = hostId == null ? top.getKey() : estate.hosts.get(hostId).hostname();
    suggestions.add(suggestion("flaky_or_fix", (top.getValue() == fires.size() ? "All " : top.getValue() + " of ") + fires.size()
        + " fires on " + host + ": fix it there, or tag the host flaky"
        + (hostId == null ? " once it is registered" : " (POST /api/v1/hosts/" + hostId + "/tags {\"type\":\"flaky\"})")
        + " so its alerts are held."));
  }

  private static JsonObject suggestion(String kind, String text) {
    return new JsonObject().put("kind", kind).put("text", text);
  }

  static String human(Duration d) {
    long s = d.toSeconds();
    if (s % 3600 == 0 && s >= 3600) {
      return s / 3600 + " h";
    }
    if (s >= 60) {
      return s / 60 + " min" + (s % 60 == 0 ? "" : " " + s % 60 + " s");
    }
    return s + " s";
  }

}
