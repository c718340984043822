package iris.metrics;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A host's latest snapshot as an incident carries it: the snapshot, and lines an operator reads
 * ("disk / 91 % (critical), +1.2 %/day, full in ~7 days"). What breached comes first, worst
 * first; a disk still under its levels is named when it will be full within {@link #SOON_DAYS};
 * a host within every level gets one line with its figures.
 */
public final class HostHealth {
  /** A disk filling up sooner than this is worth a line even under its levels. */
  static final double SOON_DAYS = 14;

  private final Snapshots snapshots;
  private final Clock clock;
  private final Duration interval;

  /** @param interval the snapshot interval: a snapshot older than two of them is said to be old */
  public HostHealth(Snapshots snapshots, Clock clock, Duration interval) {
    this.snapshots = snapshots;
    this.clock = clock;
    this.interval = interval;
  }

  /**
   * {@code {"snapshot": {...}, "state", "taken_at", "lines": [...], "text"}} for the host's latest
   * snapshot; empty without a host or a snapshot.
   */
  public Future<JsonObject> of(Long hostId) {
    if (hostId == null) {
      return Future.succeededFuture(new JsonObject());
    }
    return snapshots.latest(hostId).map(s -> s == null ? new JsonObject() : json(s, clock.instant(), interval));
  }

  static JsonObject json(Snapshot s, Instant now, Duration interval) {
    List<String> lines = lines(s);
    String text = String.join("; ", lines);
    Duration age = Duration.between(s.takenAt(), now);
    if (age.compareTo(interval.multipliedBy(2)) > 0) {
      text = text + " (snapshot " + ago(age) + " old)";
    }
    return new JsonObject().put("state", s.state().key()).put("taken_at", s.takenAt().toString())
        .put("lines", new JsonArray(new ArrayList<>(lines))).put("text", text).put("snapshot", s.toJson());
  }

  /** The lines for one snapshot: what breached, worst first; a disk filling up soon; else the figures. */
  public static List<String> lines(Snapshot s) {
    if (s.state() == Level.UNKNOWN) {
      return List.of("no metrics from Prometheus " + s.instance() + " for this host");
    }
    List<String> lines = new ArrayList<>();
    boolean diskSaid = false;
    for (Thresholds.Breach b : s.breaches()) {
      String level = " (" + b.level().key() + ")";
      switch (b.metric()) {
        case "cpu" -> lines.add("CPU " + pct(b.value()) + level);
        case "memory" -> lines.add("memory " + pct(b.value()) + level);
        case "load" -> lines.add("load " + decimal(b.value()) + " per core" + level);
        case "disk" -> {
          lines.add(disk(s) + level + trend(s));
          diskSaid = true;
        }
        case "up" -> lines.add("targets down: " + (s.targetsTotal() - s.targetsUp()) + " of " + s.targetsTotal() + level);
        default -> lines.add(b.metric() + " " + decimal(b.value()) + level);
      }
    }
    if (!diskSaid && s.diskFullInDays() != null && s.diskFullInDays() <= SOON_DAYS) {
      lines.add(disk(s) + trend(s));
    }
    if (lines.isEmpty()) {
      List<String> figures = new ArrayList<>();
      if (s.cpuBusyPct() != null) {
        figures.add("CPU " + pct(s.cpuBusyPct()));
      }
      if (s.memUsedPct() != null) {
        figures.add("memory " + pct(s.memUsedPct()));
      }
      if (s.fullestDiskPct() != null) {
        figures.add(disk(s));
      }
      if (s.loadPerCore() != null) {
        figures.add("load " + decimal(s.loadPerCore()) + " per core");
      }
      lines.add((figures.isEmpty() ? "targets up" : String.join(", ", figures)) + ": within thresholds");
    }
    return lines;
  }

  private static String disk(Snapshot s) {
    return "disk " + s.fullestMountpoint() + " " + pct(s.fullestDiskPct());
  }

  /** ", +1.2 %/day, full in ~7 days" while the disk rises; "" otherwise. */
  static String trend(Snapshot s) {
    Double slope = s.diskTrendPctPerDay();
    if (slope == null || s.diskFullInDays() == null) {
      return "";
    }
    return ", " + String.format(Locale.ROOT, "%+.1f", slope) + " %/day, full in " + days(s.diskFullInDays());
  }

  static String days(double days) {
    if (days < 1) {
      return "less than a day";
    }
    long rounded = Math.round(days);
    return "~" + rounded + (rounded == 1 ? " day" : " days");
  }

  private static String pct(double value) {
    return Math.round(value) + " %";
  }

  private static String decimal(double value) {
    return String.format(Locale.ROOT, "%.2f", value);
  }

  private static String ago(Duration age) {
    long minutes = age.toMinutes();
    if (minutes < 120) {
      return minutes + " min";
    }
    long hours = age.toHours();
    return hours < 48 ? hours + " h" : age.toDays() + " days";
  }
}
