package iris.metrics;

import java.util.Comparator;
import java.util.List;

/**
 * What Prometheus said about one host at one time; a metric it had no series for is null.
 * Percentages are 0 to 100; {@code load} is the load average per core.
 */
public record Reading(Double cpu, Double memory, Double load, List<Disk> disks, int targetsUp, int targetsTotal) {

  public Reading {
    disks = List.copyOf(disks);
  }

  /** One file system: where it is mounted and how full it is. */
  public record Disk(String mountpoint, double usedPct) {}

  /** The fullest file system, or null without any. */
  public Disk fullest() {
    return disks.stream().max(Comparator.comparingDouble(Disk::usedPct).thenComparing(Disk::mountpoint, Comparator.reverseOrder()))
        .orElse(null);
  }

  /** True when Prometheus had neither a value nor a target for the host. */
  public boolean empty() {
    return cpu == null && memory == null && load == null && disks.isEmpty() && targetsTotal == 0;
  }

  /** Up when every target is (null without targets). */
  public Boolean up() {
    return targetsTotal == 0 ? null : targetsUp == targetsTotal;
  }
}
