package iris.metrics;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import iris.db.Coalescer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How other capabilities read snapshots (digests, enrichment, the API): the latest of each host,
 * and a host's (or several hosts') snapshots in a period. Every read is backed by the index on
 * (host_id, taken_at DESC).
 */
public final class Snapshots {
  private final Pool pool;
  /** When set, single hosts' reads made together go in one statement; see {@link #coalescing}. */
  private final Coalescer<Long, Snapshot> together;

  public Snapshots(Pool pool) {
    this.pool = pool;
    this.together = null;
  }

  private Snapshots(Pool pool, Context context) {
    this.pool = pool;
    this.together = new Coalescer<>(context, 64, ids -> latest(ids).map(found -> ids.stream().map(found::get).toList()));
  }

  /** The same reads for use on {@code context} only, where {@link #latest(long)} calls made together share one statement. */
  public Snapshots coalescing(Context context) {
    return new Snapshots(pool, context);
  }

  /** The latest snapshot of each of these hosts that has one. */
  public Future<Map<Long, Snapshot>> latest(Collection<Long> hostIds) {
    if (hostIds.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return pool.preparedQuery("SELECT s.* FROM unnest($1::bigint[]) AS h(id) CROSS JOIN LATERAL ("
            + "SELECT " + SnapshotStore.COLUMNS + " FROM metric_snapshots WHERE host_id = h.id ORDER BY taken_at DESC LIMIT 1) s")
        .execute(Tuple.of(hostIds.stream().distinct().toArray(Long[]::new)))
        .map(rows -> {
          Map<Long, Snapshot> out = new HashMap<>();
          rows.forEach(r -> out.put(r.getLong("host_id"), Snapshot.from(r)));
          return out;
        });
  }

  public Future<Snapshot> latest(long hostId) {
    if (together != null) {
      return together.add(hostId);
    }
    return latest(List.of(hostId)).map(found -> found.get(hostId));
  }

  /**
   * The latest snapshot of every host that has one, in these states (empty = any), by hostname;
   * at most {@code limit}.
   */
  public Future<List<Snapshot>> latestOfAll(Set<Level> states, int limit) {
    String[] wanted = states.stream().map(Level::key).toArray(String[]::new);
    return pool.preparedQuery("SELECT s.* FROM hosts h CROSS JOIN LATERAL ("
            + "SELECT " + SnapshotStore.COLUMNS + " FROM metric_snapshots WHERE host_id = h.id ORDER BY taken_at DESC LIMIT 1) s"
            + " WHERE cardinality($1::text[]) = 0 OR s.state = ANY($1) ORDER BY h.hostname, h.id LIMIT $2")
        .execute(Tuple.of(wanted, limit))
        .map(Snapshots::list);
  }

  /** A host's snapshots taken in [{@code since}, {@code until}), oldest first, at most {@code limit}. */
  public Future<List<Snapshot>> ofHost(long hostId, Instant since, Instant until, int limit) {
    return pool.preparedQuery("SELECT " + SnapshotStore.COLUMNS + " FROM metric_snapshots"
            + " WHERE host_id = $1 AND taken_at >= $2 AND taken_at < $3 ORDER BY taken_at, id LIMIT $4")
        .execute(Tuple.of(hostId, SnapshotStore.time(since), SnapshotStore.time(until), limit))
        .map(Snapshots::list);
  }

  /** The snapshots of several hosts taken in [{@code since}, {@code until}), each host's oldest first. */
  public Future<Map<Long, List<Snapshot>>> ofHosts(Collection<Long> hostIds, Instant since, Instant until) {
    if (hostIds.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return pool.preparedQuery("SELECT " + SnapshotStore.COLUMNS + " FROM metric_snapshots"
            + " WHERE host_id = ANY($1) AND taken_at >= $2 AND taken_at < $3 ORDER BY host_id, taken_at, id")
        .execute(Tuple.of(hostIds.stream().distinct().toArray(Long[]::new), SnapshotStore.time(since), SnapshotStore.time(until)))
        .map(rows -> {
          Map<Long, List<Snapshot>> out = new LinkedHashMap<>();
          rows.forEach(r -> out.computeIfAbsent(r.getLong("host_id"), k -> new ArrayList<>()).add(Snapshot.from(r)));
          return out;
        });
  }

  /**
   * What each host's snapshots of a period add up to, in one grouped query (a month of a thousand
   * hosts is millions of rows; a digest wants their gist): how many there were, how many were
   * warning, critical or unknown, the highest of each figure, and the period's last snapshot's
   * state and disk trend. Hosts without a snapshot in the period are absent.
   */
  public Future<Map<Long, PeriodSummary>> summaries(Collection<Long> hostIds, Instant since, Instant until) {
    if (hostIds.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return pool.preparedQuery("""
            SELECT host_id, count(*) AS snapshots,
                   count(*) FILTER (WHERE state = 'warning') AS warning,
                   count(*) FILTER (WHERE state = 'critical') AS critical,
                   count(*) FILTER (WHERE state = 'unknown') AS unknown,
                   max(cpu_busy_pct) AS max_cpu, max(mem_used_pct) AS max_mem, max(fullest_disk_pct) AS max_disk,
                   max(load_per_core) AS max_load, max(taken_at) AS last_taken_at,
                   (array_agg(id ORDER BY taken_at DESC, id DESC))[1] AS last_id
            FROM metric_snapshots
            WHERE host_id = ANY($1) AND taken_at >= $2 AND taken_at < $3
            GROUP BY host_id""")
        .execute(Tuple.of(hostIds.stream().distinct().toArray(Long[]::new), SnapshotStore.time(since), SnapshotStore.time(until)))
        .compose(rows -> {
          Map<Long, Row> byHost = new LinkedHashMap<>();
          List<Long> lastIds = new ArrayList<>();
          for (Row r : rows) {
            byHost.put(r.getLong("host_id"), r);
            lastIds.add(r.getLong("last_id"));
          }
          if (lastIds.isEmpty()) {
            return Future.succeededFuture(Map.<Long, PeriodSummary>of());
          }
          return pool.preparedQuery("SELECT " + SnapshotStore.COLUMNS + " FROM metric_snapshots WHERE id = ANY($1)")
              .execute(Tuple.of(lastIds.toArray(Long[]::new))).map(last -> {
                Map<Long, PeriodSummary> out = new HashMap<>();
                for (Row l : last) {
                  Snapshot snapshot = Snapshot.from(l);
                  Row r = byHost.get(snapshot.hostId());
                  out.put(snapshot.hostId(), new PeriodSummary(snapshot.hostId(), r.getLong("snapshots"), r.getLong("warning"),
                      r.getLong("critical"), r.getLong("unknown"), r.getDouble("max_cpu"), r.getDouble("max_mem"),
                      r.getDouble("max_disk"), r.getDouble("max_load"), snapshot));
                }
                return out;
              });
        });
  }

  /**
   * A host's snapshots of one period in brief.
   *
   * @param warning snapshots whose state was warning (likewise critical, unknown)
   * @param last the period's last snapshot: its state, disk trend and "full in"
   */
  public record PeriodSummary(long hostId, long snapshots, long warning, long critical, long unknown, Double maxCpuBusyPct,
                              Double maxMemUsedPct, Double maxFullestDiskPct, Double maxLoadPerCore, Snapshot last) {

    /** Whether any snapshot of the period reached a level. */
    public boolean overThresholds() {
      return warning + critical > 0;
    }
  }

  private static List<Snapshot> list(Iterable<Row> rows) {
    List<Snapshot> out = new ArrayList<>();
    rows.forEach(r -> out.add(Snapshot.from(r)));
    return out;
  }
}
