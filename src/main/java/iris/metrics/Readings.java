package iris.metrics;

import iris.prometheus.PrometheusClient.Sample;
import iris.registry.HostStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the answers of one instance's queries into a reading per host. A series belongs to the
 * host whose hostname, address or short hostname is the host part of its {@code instance} label
 * (in that order, as alerts find their host). A host with several targets takes the highest
 * value of each metric and the fullest of each mountpoint; its targets are counted for "up".
 */
final class Readings {
  private Readings() {}

  /** A registered host as the snapshot job needs it. */
  record Target(long id, String hostname, String address, String environment, String prometheus, List<String> services) {}

  static Map<Long, Reading> of(List<Target> targets, Map<Metric, List<Sample>> answers, List<Sample> up) {
    Index index = new Index(targets);
    Map<Long, Double[]> values = new HashMap<>();
    Map<Long, Map<String, Double>> disks = new HashMap<>();
    Map<Long, int[]> counts = new HashMap<>();
    answers.forEach((metric, samples) -> {
      for (Sample s : samples) {
        Target t = index.find(s.label("instance"));
        if (t == null) {
          continue;
        }
        double value = metric == Metric.LOAD ? Math.max(0, s.value()) : clampPct(s.value());
        if (metric == Metric.DISK) {
          String mountpoint = s.label("mountpoint");
          if (!mountpoint.isEmpty()) {
            disks.computeIfAbsent(t.id(), k -> new LinkedHashMap<>()).merge(mountpoint, value, Math::max);
          }
        } else {
          Double[] at = values.computeIfAbsent(t.id(), k -> new Double[Metric.values().length]);
          at[metric.ordinal()] = at[metric.ordinal()] == null ? value : Math.max(at[metric.ordinal()], value);
        }
      }
    });
    for (Sample s : up) {
      Target t = index.find(s.label("instance"));
      if (t != null) {
        int[] c = counts.computeIfAbsent(t.id(), k -> new int[2]);
        c[1]++;
        if (s.value() >= 1) {
          c[0]++;
        }
      }
    }
    Map<Long, Reading> out = new LinkedHashMap<>();
    for (Target t : targets) {
      Double[] v = values.getOrDefault(t.id(), new Double[Metric.values().length]);
      List<Reading.Disk> d = new ArrayList<>();
      disks.getOrDefault(t.id(), Map.of()).forEach((mount, pct) -> d.add(new Reading.Disk(mount, pct)));
      int[] c = counts.getOrDefault(t.id(), new int[2]);
      out.put(t.id(), new Reading(v[Metric.CPU.ordinal()], v[Metric.MEMORY.ordinal()], v[Metric.LOAD.ordinal()], d, c[0], c[1]));
    }
    return out;
  }

  /** Rate windows and counter resets can put a percentage a little outside 0..100. */
  private static double clampPct(double value) {
    return Math.max(0, Math.min(100, value));
  }

  /** Hosts by lower-case hostname, address and short hostname. */
  private static final class Index {
    private final Map<String, Target> byHostname = new HashMap<>();
    private final Map<String, Target> byAddress = new HashMap<>();
    private final Map<String, Target> byShortName = new HashMap<>();

    Index(List<Target> targets) {
      for (Target t : targets) {
        put(byHostname, t.hostname(), t);
        put(byAddress, t.address(), t);
        if (t.hostname() != null && t.hostname().contains(".")) {
          put(byShortName, t.hostname().substring(0, t.hostname().indexOf('.')), t);
        }
      }
    }

    private static void put(Map<String, Target> map, String key, Target t) {
      if (key != null && !key.isBlank()) {
        map.putIfAbsent(key.strip().toLowerCase(Locale.ROOT), t);
      }
    }

    Target find(String instance) {
      String part = HostStore.hostPart(instance);
      if (part == null) {
        return null;
      }
      String key = part.toLowerCase(Locale.ROOT);
      Target t = byHostname.get(key);
      if (t == null) {
        t = byAddress.get(key);
      }
      return t != null ? t : byShortName.get(key);
    }
  }
}
