package iris.metrics;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One row of {@code metric_snapshots}: a host as its Prometheus instance saw it at one time, with
 * its state against the thresholds and its disk trend. {@code id} is 0 before it is stored.
 *
 * @param instance the Prometheus instance's name
 * @param breaches what reached a level, worst first
 */
public record Snapshot(long id, long hostId, String hostname, String instance, Instant takenAt, Double cpuBusyPct,
                       Double memUsedPct, Double loadPerCore, Boolean up, int targetsUp, int targetsTotal,
                       List<Reading.Disk> disks, String fullestMountpoint, Double fullestDiskPct, Level state,
                       List<Thresholds.Breach> breaches, Double diskTrendPctPerDay, Double diskFullInDays) {

  public Snapshot {
    disks = List.copyOf(disks);
    breaches = List.copyOf(breaches);
  }

  /** A new snapshot from a reading, marked and with its trend. */
  static Snapshot taken(long hostId, String hostname, String instance, Instant takenAt, Reading reading,
      Thresholds.Marking marking, Double trend) {
    Reading.Disk fullest = reading.fullest();
    List<Reading.Disk> disks = new ArrayList<>(reading.disks());
    // Fullest first; among equals (bind mounts of one file system) by mountpoint, as fullest() picks.
    disks.sort(java.util.Comparator.comparingDouble(Reading.Disk::usedPct).reversed().thenComparing(Reading.Disk::mountpoint));
    Double fullestPct = fullest == null ? null : fullest.usedPct();
    return new Snapshot(0, hostId, hostname, instance, takenAt, reading.cpu(), reading.memory(), reading.load(), reading.up(),
        reading.targetsUp(), reading.targetsTotal(), disks, fullest == null ? null : fullest.mountpoint(), fullestPct,
        marking.state(), marking.breaches(), trend, DiskTrend.fullInDays(fullestPct, trend));
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("host_id", hostId)
        .put("hostname", hostname)
        .put("instance", instance)
        .put("taken_at", takenAt.toString())
        .put("cpu_busy_pct", round(cpuBusyPct))
        .put("mem_used_pct", round(memUsedPct))
        .put("load_per_core", round(loadPerCore))
        .put("up", up)
        .put("targets_up", targetsUp)
        .put("targets_total", targetsTotal)
        .put("disk", disksJson())
        .put("fullest_mountpoint", fullestMountpoint)
        .put("fullest_disk_pct", round(fullestDiskPct))
        .put("state", state.key())
        .put("breaches", breachesJson())
        .put("disk_trend_pct_per_day", round(diskTrendPctPerDay))
        .put("disk_full_in_days", round(diskFullInDays));
  }

  JsonArray disksJson() {
    JsonArray out = new JsonArray();
    disks.forEach(d -> out.add(new JsonObject().put("mountpoint", d.mountpoint()).put("used_pct", round(d.usedPct()))));
    return out;
  }

  JsonArray breachesJson() {
    JsonArray out = new JsonArray();
    for (Thresholds.Breach b : breaches) {
      JsonObject o = new JsonObject().put("metric", b.metric()).put("level", b.level().key()).put("value", round(b.value()));
      if (b.warning() != null) {
        o.put("warning", b.warning()).put("critical", b.critical());
      }
      if (b.mountpoint() != null) {
        o.put("mountpoint", b.mountpoint());
      }
      out.add(o);
    }
    return out;
  }

  static Snapshot from(Row r) {
    List<Reading.Disk> disks = new ArrayList<>();
    Object diskValue = r.getValue("disk");
    if (diskValue instanceof JsonArray array) {
      for (Object item : array) {
        if (item instanceof JsonObject d && d.getValue("used_pct") instanceof Number pct) {
          disks.add(new Reading.Disk(d.getString("mountpoint", ""), pct.doubleValue()));
        }
      }
    }
    List<Thresholds.Breach> breaches = new ArrayList<>();
    Object breachValue = r.getValue("breaches");
    if (breachValue instanceof JsonArray array) {
      for (Object item : array) {
        if (item instanceof JsonObject b) {
          Level level = Level.of(b.getString("level", ""));
          breaches.add(new Thresholds.Breach(b.getString("metric", ""), level == null ? Level.UNKNOWN : level,
              b.getDouble("value", 0.0), b.getDouble("warning"), b.getDouble("critical"), b.getString("mountpoint")));
        }
      }
    }
    Level state = Level.of(r.getString("state"));
    return new Snapshot(r.getLong("id"), r.getLong("host_id"), r.getString("hostname"), r.getString("instance"),
        r.getOffsetDateTime("taken_at").toInstant(), r.getDouble("cpu_busy_pct"), r.getDouble("mem_used_pct"),
        r.getDouble("load_per_core"), r.getBoolean("up"), r.getInteger("targets_up"), r.getInteger("targets_total"), disks,
        r.getString("fullest_mountpoint"), r.getDouble("fullest_disk_pct"), state == null ? Level.UNKNOWN : state, breaches,
        r.getDouble("disk_trend_pct_per_day"), r.getDouble("disk_full_in_days"));
  }

  /** Two decimals are more than a percentage or a slope needs. */
  static Double round(Double value) {
    return value == null ? null : Math.round(value * 100) / 100.0;
  }
}
