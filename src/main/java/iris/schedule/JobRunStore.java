package iris.schedule;

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

/** The {@code job_runs} table: a run exists once its slot is claimed, and is settled once. */
public final class JobRunStore {
  private static final String COLUMNS = "id, job, scheduled_for, trigger, started_at, finished_at, outcome, error, node";
  private static final int ERROR_CHARS = 2000;

  private final Pool pool;

  public JobRunStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * Claims a slot: the id of the new running run, or null when the slot was claimed before or
   * the job is running already (anywhere in the cluster).
   */
  public Future<Long> claim(String job, Instant slot, String trigger, Instant startedAt, Instant deadline, String node) {
    return pool.preparedQuery("""
            INSERT INTO job_runs (job, scheduled_for, trigger, started_at, deadline, outcome, node)
            VALUES ($1, $2, $3, $4, $5, 'running', $6)
            ON CONFLICT DO NOTHING RETURNING id""")
        .execute(Tuple.of(job, time(slot), trigger, time(startedAt), time(deadline), node))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getLong(0));
  }

  /** Settles a running run; false when it was settled already (abandoned by the leader as overdue). */
  public Future<Boolean> finish(long id, String outcome, String error, Instant finishedAt) {
    String shortError = error == null || error.length() <= ERROR_CHARS ? error : error.substring(0, ERROR_CHARS);
    return pool.preparedQuery("""
            UPDATE job_runs SET outcome = $2, error = $3, finished_at = $4
            WHERE id = $1 AND outcome = 'running'""")
        .execute(Tuple.of(id, outcome, shortError, time(finishedAt)))
        .map(rows -> rows.rowCount() == 1);
  }

  /** Marks failed the runs still "running" past their deadline: their node stopped or lost them. */
  public Future<Integer> abandonOverdue(Instant now) {
    return pool.preparedQuery("""
            UPDATE job_runs SET outcome = 'failed', finished_at = $1,
                   error = 'abandoned: still running at its deadline (its node stopped or the run hung)'
            WHERE outcome = 'running' AND deadline < $1""")
        .execute(Tuple.of(time(now)))
        .map(rows -> rows.rowCount());
  }

  /** The latest slot each job was claimed for by the scheduler (manual runs are not slots). */
  public Future<Map<String, Instant>> lastSlots(List<String> jobs) {
    return pool.preparedQuery("""
            SELECT j.name, (SELECT max(scheduled_for) FROM job_runs r WHERE r.job = j.name AND r.trigger <> 'manual')
            FROM unnest($1::text[]) AS j(name)""")
        .execute(Tuple.of(jobs.toArray(String[]::new)))
        .map(rows -> {
          Map<String, Instant> slots = new HashMap<>();
          for (Row row : rows) {
            OffsetDateTime slot = row.getOffsetDateTime(1);
            if (slot != null) {
              slots.put(row.getString(0), slot.toInstant());
            }
          }
          return slots;
        });
  }

  /** When each job last ended well, for the last-success gauge of a node that just took over. */
  public Future<Map<String, Instant>> lastSuccesses(List<String> jobs) {
    return pool.preparedQuery("""
            SELECT j.name, (SELECT max(finished_at) FROM job_runs r WHERE r.job = j.name AND r.outcome = 'ok')
            FROM unnest($1::text[]) AS j(name)""")
        .execute(Tuple.of(jobs.toArray(String[]::new)))
        .map(rows -> {
          Map<String, Instant> done = new HashMap<>();
          for (Row row : rows) {
            if (row.getOffsetDateTime(1) != null) {
              done.put(row.getString(0), row.getOffsetDateTime(1).toInstant());
            }
          }
          return done;
        });
  }

  /** Each job's most recent run (by start), if it ever ran. */
  public Future<Map<String, JobRun>> latest(List<String> jobs) {
    return pool.preparedQuery("SELECT r.* FROM unnest($1::text[]) AS j(name) CROSS JOIN LATERAL ("
            + "SELECT " + COLUMNS + " FROM job_runs WHERE job = j.name ORDER BY started_at DESC, id DESC LIMIT 1) r")
        .execute(Tuple.of(jobs.toArray(String[]::new)))
        .map(rows -> {
          Map<String, JobRun> latest = new HashMap<>();
          rows.forEach(row -> latest.put(row.getString("job"), run(row)));
          return latest;
        });
  }

  /** A job's runs, newest first. */
  public Future<List<JobRun>> recent(String job, int limit) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM job_runs WHERE job = $1 ORDER BY started_at DESC, id DESC LIMIT $2")
        .execute(Tuple.of(job, limit))
        .map(rows -> {
          List<JobRun> runs = new ArrayList<>();
          rows.forEach(row -> runs.add(run(row)));
          return runs;
        });
  }

  /**
   * Deletes settled runs that started before {@code before}, except each job's latest scheduled
   * slot: the catch-up after downtime needs it.
   */
  public Future<Integer> prune(Instant before) {
    return pool.preparedQuery("""
            DELETE FROM job_runs WHERE started_at < $1 AND outcome <> 'running'
              AND id NOT IN (SELECT DISTINCT ON (job) id FROM job_runs WHERE trigger <> 'manual'
                             ORDER BY job, scheduled_for DESC)""")
        .execute(Tuple.of(time(before)))
        .map(rows -> rows.rowCount());
  }

  private static JobRun run(Row row) {
    OffsetDateTime finished = row.getOffsetDateTime("finished_at");
    return new JobRun(row.getLong("id"), row.getString("job"), row.getOffsetDateTime("scheduled_for").toInstant(),
        row.getString("trigger"), row.getOffsetDateTime("started_at").toInstant(),
        finished == null ? null : finished.toInstant(), row.getString("outcome"), row.getString("error"), row.getString("node"));
  }

  /** PostgreSQL keeps microseconds; a slot must compare equal after a round trip. */
  static OffsetDateTime time(Instant instant) {
    return OffsetDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
  }
}
