package iris.metrics;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** All SQL on {@code metric_snapshots}, {@code metric_snapshot_failures} and {@code metric_instances}. */
public final class SnapshotStore {
  static final String COLUMNS = """
      id, host_id, hostname, instance, taken_at, cpu_busy_pct, mem_used_pct, load_per_core, up, targets_up, targets_total,
      disk, fullest_mountpoint, fullest_disk_pct, state, breaches, disk_trend_pct_per_day, disk_full_in_days""";
  private static final int ERROR_CHARS = 2000;

  private final Pool pool;

  public SnapshotStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * The trend sums of each host's fullest disk over its snapshots taken in [{@code since},
   * {@code now}), x in days before {@code now} (negative), for {@link DiskTrend}.
   */
  public Future<Map<Long, DiskTrend.Sums>> trendSums(List<Long> hostIds, Instant since, Instant now) {
    if (hostIds.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return pool.preparedQuery("""
            SELECT host_id, count(*) AS n, sum(x) AS sx, sum(y) AS sy, sum(x * x) AS sxx, sum(x * y) AS sxy,
                   min(x) AS min_x, max(x) AS max_x
            FROM (SELECT host_id, extract(epoch FROM taken_at - $3::timestamptz)::double precision / 86400 AS x,
                         fullest_disk_pct AS y
                  FROM metric_snapshots
                  WHERE host_id = ANY($1) AND taken_at >= $2 AND taken_at < $3 AND fullest_disk_pct IS NOT NULL) points
            GROUP BY host_id""")
        .execute(Tuple.of(hostIds.toArray(Long[]::new), time(since), time(now)))
        .map(rows -> {
          Map<Long, DiskTrend.Sums> sums = new HashMap<>();
          for (Row r : rows) {
            sums.put(r.getLong("host_id"), new DiskTrend.Sums(r.getLong("n"), r.getDouble("sx"), r.getDouble("sy"),
                r.getDouble("sxx"), r.getDouble("sxy"), r.getDouble("min_x"), r.getDouble("max_x")));
          }
          return sums;
        });
  }

  /** Stores one run's snapshots of an instance and its status, in one transaction. */
  public Future<Void> saveRun(String instance, Instant at, List<Snapshot> snapshots, String error) {
    return pool.withTransaction(conn -> {
      Future<?> rows = Future.succeededFuture();
      if (!snapshots.isEmpty()) {
        List<Tuple> batch = new ArrayList<>();
        for (Snapshot s : snapshots) {
          batch.add(Tuple.of(s.hostId(), s.hostname(), s.instance(), time(s.takenAt()), s.cpuBusyPct(), s.memUsedPct(),
                  s.loadPerCore(), s.up(), s.targetsUp(), s.targetsTotal())
              .addValue(s.disksJson()).addValue(s.fullestMountpoint()).addValue(s.fullestDiskPct()).addValue(s.state().key())
              .addValue(s.breachesJson()).addValue(s.diskTrendPctPerDay()).addValue(s.diskFullInDays()));
        }
        rows = conn.preparedQuery("""
                INSERT INTO metric_snapshots (host_id, hostname, instance, taken_at, cpu_busy_pct, mem_used_pct, load_per_core, up,
                  targets_up, targets_total, disk, fullest_mountpoint, fullest_disk_pct, state, breaches, disk_trend_pct_per_day,
                  disk_full_in_days)
                SELECT $1::bigint, $2::text, $3::text, $4::timestamptz, $5::float8, $6::float8, $7::float8, $8::boolean, $9::int,
                  $10::int, $11::jsonb, $12::text, $13::float8, $14::text, $15::jsonb, $16::float8, $17::float8
                -- a host deleted since the run read the registry is left out, not the whole run
                WHERE EXISTS (SELECT 1 FROM hosts WHERE id = $1::bigint)""")
            .executeBatch(batch);
      }
      String shortError = error == null || error.length() <= ERROR_CHARS ? error : error.substring(0, ERROR_CHARS);
      Future<?> failure = shortError == null ? Future.succeededFuture()
          : conn.preparedQuery("INSERT INTO metric_snapshot_failures (instance, failed_at, error) VALUES ($1, $2, $3)")
              .execute(Tuple.of(instance, time(at), shortError));
      Future<?> status = conn.preparedQuery("""
              INSERT INTO metric_instances (instance, last_run_at, last_ok_at, last_error, hosts)
              VALUES ($1, $2::timestamptz, CASE WHEN $3::text IS NULL THEN $2::timestamptz END, $3::text, $4)
              ON CONFLICT (instance) DO UPDATE SET last_run_at = EXCLUDED.last_run_at,
                last_ok_at = coalesce(EXCLUDED.last_ok_at, metric_instances.last_ok_at),
                last_error = EXCLUDED.last_error, hosts = EXCLUDED.hosts""")
          .execute(Tuple.of(instance, time(at), shortError, snapshots.size()));
      return Future.all(rows, failure, status).mapEmpty();
    });
  }

  /** The last run of each instance that has run. */
  public Future<List<InstanceStatus>> instances() {
    return pool.query("SELECT instance, last_run_at, last_ok_at, last_error, hosts FROM metric_instances ORDER BY instance")
        .execute().map(rows -> {
          List<InstanceStatus> out = new ArrayList<>();
          for (Row r : rows) {
            OffsetDateTime ok = r.getOffsetDateTime("last_ok_at");
            out.add(new InstanceStatus(r.getString("instance"), r.getOffsetDateTime("last_run_at").toInstant(),
                ok == null ? null : ok.toInstant(), r.getString("last_error"), r.getInteger("hosts")));
          }
          return out;
        });
  }

  /** An instance's last run: when, when it last answered, what went wrong (null: nothing), how many hosts. */
  public record InstanceStatus(String instance, Instant lastRunAt, Instant lastOkAt, String lastError, int hosts) {}

  /** The failures of one instance, newest first. */
  public Future<List<Failure>> failures(String instance, int limit) {
    return pool.preparedQuery("""
            SELECT instance, failed_at, error FROM metric_snapshot_failures WHERE instance = $1
            ORDER BY failed_at DESC, id DESC LIMIT $2""")
        .execute(Tuple.of(instance, limit)).map(rows -> {
          List<Failure> out = new ArrayList<>();
          rows.forEach(r -> out.add(new Failure(r.getString("instance"), r.getOffsetDateTime("failed_at").toInstant(),
              r.getString("error"))));
          return out;
        });
  }

  public record Failure(String instance, Instant failedAt, String error) {}

  /** Deletes at most {@code batch} snapshots taken before {@code before}, oldest first; how many went. */
  public Future<Integer> pruneSnapshots(Instant before, int batch) {
    return pool.preparedQuery("""
            DELETE FROM metric_snapshots WHERE id IN (
              SELECT id FROM metric_snapshots WHERE taken_at < $1 ORDER BY taken_at LIMIT $2)""")
        .execute(Tuple.of(time(before), batch)).map(rows -> rows.rowCount());
  }

  /** Deletes at most {@code batch} failures recorded before {@code before}; how many went. */
  public Future<Integer> pruneFailures(Instant before, int batch) {
    return pool.preparedQuery("""
            DELETE FROM metric_snapshot_failures WHERE id IN (
              SELECT id FROM metric_snapshot_failures WHERE failed_at < $1 ORDER BY failed_at LIMIT $2)""")
        .execute(Tuple.of(time(before), batch)).map(rows -> rows.rowCount());
  }

  /** PostgreSQL keeps microseconds. */
  static OffsetDateTime time(Instant instant) {
    return OffsetDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
  }
}
