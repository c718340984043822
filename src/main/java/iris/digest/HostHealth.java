package iris.digest;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The "hosts over thresholds and disk trends" section: for a set of hosts and a period, a line
 * per host worth a look. The metrics snapshots provide it; without them it is empty.
 */
public interface HostHealth {

  /**
   * One host's state over the period: its worst state, the breaches of its latest snapshot in the
   * period, the fullest disk and where it is heading.
   *
   * @param breaches e.g. "cpu 93 % (critical)"
   * @param fullInDays null when the disk is not filling up
   */
  record Line(long hostId, String hostname, String state, List<String> breaches, String fullestMountpoint, Double fullestDiskPct,
              Double diskTrendPctPerDay, Double fullInDays) {}

  /** The lines of the hosts in {@code hostIds} that were over a threshold or whose disk fills up; at most one per host. */
  Future<Map<Long, Line>> lines(Collection<Long> hostIds, Instant from, Instant to);

  /** No snapshots: the section stays empty. */
  HostHealth NONE = (hostIds, from, to) -> Future.succeededFuture(Map.of());
}
