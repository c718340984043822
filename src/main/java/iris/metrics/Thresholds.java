package iris.metrics;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which levels apply to a host, and how a reading measures up to them. The defaults come first;
 * then the overrides of the host's services (where two of its services override one level, the
 * higher wins: each says what is normal for it, and the host runs both); then the host's own
 * override, which has the last word.
 */
public final class Thresholds {
  private final Map<Metric, Limits> defaults;
  private final List<ThresholdOverride> overrides;

  public Thresholds(Map<Metric, Limits> defaults, List<ThresholdOverride> overrides) {
    this.defaults = new EnumMap<>(defaults);
    this.overrides = List.copyOf(overrides);
  }

  public Map<Metric, Limits> defaults() {
    return Map.copyOf(defaults);
  }

  public List<ThresholdOverride> overrides() {
    return overrides;
  }

  /** The levels in force for a host of this name running these services. */
  public Map<Metric, Limits> forHost(String hostname, List<String> services) {
    Map<Metric, Double[]> levels = new EnumMap<>(Metric.class);
    defaults.forEach((metric, limits) -> levels.put(metric, new Double[] {limits.warning(), limits.critical()}));
    Map<Metric, Double[]> byServices = new EnumMap<>(Metric.class);
    for (ThresholdOverride o : overrides) {
      if (!o.forHost() && services.contains(o.service())) {
        o.bounds().forEach((metric, bound) -> {
          Double[] at = byServices.computeIfAbsent(metric, m -> new Double[2]);
          at[0] = higher(at[0], bound.warning());
          at[1] = higher(at[1], bound.critical());
        });
      }
    }
    byServices.forEach((metric, at) -> apply(levels, metric, at[0], at[1]));
    String name = hostname == null ? "" : hostname.toLowerCase(Locale.ROOT);
    for (ThresholdOverride o : overrides) {
      if (o.forHost() && o.host().toLowerCase(Locale.ROOT).equals(name)) {
        o.bounds().forEach((metric, bound) -> apply(levels, metric, bound.warning(), bound.critical()));
      }
    }
    Map<Metric, Limits> out = new EnumMap<>(Metric.class);
    levels.forEach((metric, at) -> out.put(metric, new Limits(at[0], at[1])));
    return out;
  }

  private static void apply(Map<Metric, Double[]> levels, Metric metric, Double warning, Double critical) {
    Double[] at = levels.get(metric);
    if (warning != null) {
      at[0] = warning;
    }
    if (critical != null) {
      at[1] = critical;
    }
  }

  private static Double higher(Double a, Double b) {
    return a == null ? b : b == null ? a : Double.valueOf(Math.max(a, b));
  }

  /**
   * Marks a reading: each metric at or over a level is a breach (the disk by its fullest
   * mountpoint); targets all down are critical, some down a warning. The state is the worst
   * breach, {@code ok} without one, {@code unknown} when Prometheus had nothing for the host.
   */
  public static Marking mark(Reading reading, Map<Metric, Limits> limits) {
    if (reading.empty()) {
      return new Marking(Level.UNKNOWN, List.of());
    }
    List<Breach> breaches = new ArrayList<>();
    check(breaches, Metric.CPU, reading.cpu(), null, limits);
    check(breaches, Metric.MEMORY, reading.memory(), null, limits);
    Reading.Disk fullest = reading.fullest();
    check(breaches, Metric.DISK, fullest == null ? null : fullest.usedPct(), fullest == null ? null : fullest.mountpoint(), limits);
    check(breaches, Metric.LOAD, reading.load(), null, limits);
    if (reading.targetsTotal() > 0 && reading.targetsUp() < reading.targetsTotal()) {
      Level level = reading.targetsUp() == 0 ? Level.CRITICAL : Level.WARNING;
      breaches.add(new Breach("up", level, reading.targetsUp(), null, null, null));
    }
    breaches.sort((a, b) -> b.level().compareTo(a.level()));
    Level state = breaches.isEmpty() ? Level.OK : breaches.get(0).level();
    return new Marking(state, List.copyOf(breaches));
  }

  private static void check(List<Breach> breaches, Metric metric, Double value, String mountpoint, Map<Metric, Limits> limits) {
    Limits l = limits.get(metric);
    if (value == null || l == null) {
      return;
    }
    Level level = l.levelOf(value);
    if (level != Level.OK) {
      breaches.add(new Breach(metric.key(), level, value, l.warning(), l.critical(), mountpoint));
    }
  }

  /** A snapshot's state and what put it there, worst first. */
  public record Marking(Level state, List<Breach> breaches) {}

  /**
   * One metric at or over a level: for {@code up}, {@code value} is the number of targets up.
   * {@code mountpoint} only for the disk.
   */
  public record Breach(String metric, Level level, double value, Double warning, Double critical, String mountpoint) {}
}
