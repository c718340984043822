package iris.enroll;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import iris.http.HttpProblem;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** All SQL on {@code enrollment_jobs}, {@code enrollment_steps} and {@code enrollment_batches}. */
public final class EnrollmentStore {
  /** Serialises claims so a batch's concurrency bound holds across nodes. */
  private static final long CLAIM_LOCK = 0x1215_e7011L;

  /** A job a worker now owns, with its sealed credential. */
  public record Claimed(long id, String kind, Long batchId, JsonObject request, byte[] sealedAuth, Long hostId, int attempts) {}

  /** A new job: its request (no secrets) and sealed credential, or an unenrollment of a host. */
  public record NewJob(String kind, String target, String os, JsonObject request, byte[] sealedAuth, Long hostId) {}

  private final Pool pool;

  public EnrollmentStore(Pool pool) {
    this.pool = pool;
  }

  public Future<Long> createBatch(String strategy, int concurrency, String createdBy, List<NewJob> jobs) {
    return conflictOnActive(pool.withTransaction(conn -> conn.preparedQuery(
            "INSERT INTO enrollment_batches (strategy, concurrency, created_by) VALUES ($1, $2, $3) RETURNING id")
        .execute(Tuple.of(strategy, concurrency, createdBy))
        .compose(rows -> {
          long batchId = rows.iterator().next().getLong("id");
          return insert(conn, jobs, batchId, createdBy).map(ids -> batchId);
        })));
  }

  public Future<List<Long>> create(List<NewJob> jobs, String createdBy) {
    return conflictOnActive(pool.withTransaction(conn -> insert(conn, jobs, null, createdBy)));
  }

  private static Future<List<Long>> insert(SqlConnection conn, List<NewJob> jobs, Long batchId, String createdBy) {
    List<Tuple> rows = new ArrayList<>();
    for (int i = 0; i < jobs.size(); i++) {
      NewJob job = jobs.get(i);
      rows.add(Tuple.of(job.kind(), batchId, batchId == null ? null : i, job.target(), job.os(), job.request())
          .addValue(job.sealedAuth() == null ? null : Buffer.buffer(job.sealedAuth())).addValue(job.hostId()).addValue(createdBy));
    }
    List<Long> ids = new ArrayList<>();
    return conn.preparedQuery("INSERT INTO enrollment_jobs (kind, batch_id, batch_row, target, os, request, sealed_auth, host_id,"
            + " created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
        .executeBatch(rows).map(result -> {
          for (var r = result; r != null; r = r.next()) {
            r.forEach(row -> ids.add(row.getLong("id")));
          }
          return ids;
        });
  }

  /** A second job for a machine that has one queued or running is a 409 naming it. */
  private static <T> Future<T> conflictOnActive(Future<T> write) {
    return write.recover(e -> e instanceof PgException pg && "23505".equals(pg.getSqlState())
        ? Future.failedFuture(new HttpProblem(409, "conflict",
            "this host already has an enrollment job queued or running: " + pg.getDetail(), "address"))
        : Future.failedFuture(e));
  }

  /**
   * Claims up to {@code limit} queued jobs: single jobs first come first served, batch jobs in row
   * order while their batch runs fewer than its bound. The start time is the statement's, not
   * the transaction's: the statement runs after the claim lock, so a job finished while this
   * claim waited never appears to overlap the jobs that took its place.
   */
  public Future<List<Claimed>> claim(int limit, Duration lease) {
    return pool.withTransaction(conn -> conn.preparedQuery("SELECT pg_advisory_xact_lock($1)").execute(Tuple.of(CLAIM_LOCK))
        .compose(v -> conn.preparedQuery("""
            WITH running AS (
              SELECT batch_id, count(*) AS n FROM enrollment_jobs WHERE state = 'running' AND batch_id IS NOT NULL GROUP BY batch_id),
            ranked AS (
              SELECT j.id, j.batch_id, j.created_at, j.batch_row,
                     row_number() OVER (PARTITION BY j.batch_id ORDER BY j.batch_row, j.id) AS rank,
                     coalesce(b.concurrency, 1) - coalesce(r.n, 0) AS free
              FROM enrollment_jobs j
              LEFT JOIN enrollment_batches b ON b.id = j.batch_id
              LEFT JOIN running r ON r.batch_id = j.batch_id
              WHERE j.state = 'queued'),
            chosen AS (
              SELECT id FROM ranked WHERE batch_id IS NULL OR rank <= free
              ORDER BY created_at, batch_row NULLS FIRST, id LIMIT $1)
            UPDATE enrollment_jobs j SET state = 'running', attempts = attempts + 1, lease_until = now() + $2 * interval '1 second',
              started_at = coalesce(started_at, statement_timestamp()), error = NULL
            FROM chosen WHERE j.id = chosen.id AND j.state = 'queued'
            RETURNING j.id, j.kind, j.batch_id, j.request, j.sealed_auth, j.host_id, j.attempts""")
        .execute(Tuple.of(limit, lease.toSeconds())))
        .map(rows -> {
          List<Claimed> claimed = new ArrayList<>();
          rows.forEach(row -> claimed.add(new Claimed(row.getLong("id"), row.getString("kind"), row.getLong("batch_id"), (JsonObject) row.getValue("request"),
              row.getBuffer("sealed_auth") == null ? null : row.getBuffer("sealed_auth").getBytes(), row.getLong("host_id"),
              row.getInteger("attempts"))));
          claimed.sort(java.util.Comparator.comparingLong(Claimed::id));
          return claimed;
        }));
  }

  public Future<Void> extendLeases(List<Long> ids, Duration lease) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    return pool.preparedQuery("UPDATE enrollment_jobs SET lease_until = now() + $2 * interval '1 second'"
            + " WHERE id = ANY($1) AND state = 'running'")
        .execute(Tuple.of(ids.toArray(Long[]::new), lease.toSeconds())).mapEmpty();
  }

  /** Jobs whose node stopped mid-run: queued again, or failed once they have had their attempts. */
  public Future<Integer> recoverExpired(int maxAttempts) {
    return pool.preparedQuery("""
        UPDATE enrollment_jobs SET
          state = CASE WHEN attempts < $1 THEN 'queued' ELSE 'failed' END,
          error = CASE WHEN attempts < $1 THEN NULL
                       ELSE 'the node running this job stopped during step ' || coalesce(current_step, 'start') || ', ' || attempts || ' times' END,
          finished_at = CASE WHEN attempts < $1 THEN NULL ELSE now() END,
          lease_until = NULL
        WHERE state = 'running' AND lease_until < now()""").execute(Tuple.of(maxAttempts)).map(r -> r.rowCount());
  }

  public Future<Void> stepStarted(long jobId, int position, String name, int percent) {
    return pool.preparedQuery("""
            WITH step AS (
              INSERT INTO enrollment_steps (job_id, position, name, state, started_at) VALUES ($1, $2, $3, 'running', now()))
            UPDATE enrollment_jobs SET current_step = $3, percent = $4 WHERE id = $1""")
        .execute(Tuple.of(jobId, position, name, percent)).mapEmpty();
  }

  public Future<Void> stepFinished(long jobId, int position, String state, String output, String error) {
    return pool.preparedQuery("UPDATE enrollment_steps SET state = $3, finished_at = now(), output = $4, error = $5"
        + " WHERE job_id = $1 AND position = $2").execute(Tuple.of(jobId, position, state, output, error)).mapEmpty();
  }

  /** A job run again (after its node stopped) starts its step list afresh. */
  public Future<Void> clearSteps(long jobId) {
    return pool.preparedQuery("DELETE FROM enrollment_steps WHERE job_id = $1").execute(Tuple.of(jobId)).mapEmpty();
  }

  public Future<Void> facts(long jobId, JsonObject facts, String hostKey) {
    return pool.preparedQuery("UPDATE enrollment_jobs SET facts = $2, host_key = coalesce($3, host_key) WHERE id = $1")
        .execute(Tuple.of(jobId, facts, hostKey)).mapEmpty();
  }

  /**
   * Records the end of a run. Only the run that holds the job counts: if this node lost its
   * lease and another node took the job over (a higher attempt), this late answer changes nothing.
   */
  public Future<Boolean> finish(long jobId, int attempt, boolean succeeded, String error, Long hostId) {
    return pool.preparedQuery("UPDATE enrollment_jobs SET state = $2, error = $3, host_id = coalesce($4, host_id),"
            + " percent = CASE WHEN $2 = 'succeeded' THEN 100 ELSE percent END, finished_at = now(), lease_until = NULL"
            + " WHERE id = $1 AND attempts = $5 AND state = 'running'")
        .execute(Tuple.of(jobId, succeeded ? "succeeded" : "failed", error, hostId, attempt)).map(r -> r.rowCount() == 1);
  }

  /** The sealed credential of the host's latest successful enrollment, to stop its agent at unenrollment. */
  public Future<Claimed> lastEnrollmentOf(long hostId) {
    return pool.preparedQuery("SELECT id, kind, batch_id, request, sealed_auth, host_id, attempts FROM enrollment_jobs"
            + " WHERE host_id = $1 AND kind = 'enroll' AND state = 'succeeded' ORDER BY finished_at DESC LIMIT 1")
        .execute(Tuple.of(hostId)).map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row row = rows.iterator().next();
          return new Claimed(row.getLong("id"), row.getString("kind"), row.getLong("batch_id"), (JsonObject) row.getValue("request"),
              row.getBuffer("sealed_auth") == null ? null : row.getBuffer("sealed_auth").getBytes(), hostId, row.getInteger("attempts"));
        });
  }

  public Future<JsonObject> find(long id) {
    return pool.preparedQuery(JOB_SELECT + " WHERE j.id = $1").execute(Tuple.of(id)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(null);
      }
      JsonObject job = job(rows.iterator().next());
      return pool.preparedQuery("SELECT * FROM enrollment_steps WHERE job_id = $1 ORDER BY position").execute(Tuple.of(id))
          .map(steps -> {
            JsonArray list = new JsonArray();
            steps.forEach(s -> list.add(new JsonObject().put("position", s.getInteger("position")).put("name", s.getString("name"))
                .put("state", s.getString("state")).put("started_at", time(s.getOffsetDateTime("started_at")))
                .put("finished_at", time(s.getOffsetDateTime("finished_at"))).put("output", s.getString("output"))
                .put("error", s.getString("error"))));
            return job.put("steps", list);
          });
    });
  }

  public Future<List<JsonObject>> list(long afterId, int limit, String state) {
    return pool.preparedQuery(JOB_SELECT + " WHERE j.id > $1 AND ($3::text IS NULL OR j.state = $3) ORDER BY j.id LIMIT $2")
        .execute(Tuple.of(afterId, limit, state)).map(rows -> {
          List<JsonObject> jobs = new ArrayList<>();
          rows.forEach(r -> jobs.add(job(r)));
          return jobs;
        });
  }

  /** A batch with its latest job per row (a retry replaces a failed row's job) and counts by state. */
  public Future<JsonObject> findBatch(long id) {
    return pool.preparedQuery("SELECT * FROM enrollment_batches WHERE id = $1").execute(Tuple.of(id)).compose(batches -> {
      if (batches.size() == 0) {
        return Future.succeededFuture(null);
      }
      Row b = batches.iterator().next();
      return pool.preparedQuery(JOB_SELECT + " WHERE j.id IN (SELECT DISTINCT ON (batch_row) id FROM enrollment_jobs"
              + " WHERE batch_id = $1 ORDER BY batch_row, id DESC) ORDER BY j.batch_row").execute(Tuple.of(id))
          .map(rows -> {
            JsonArray jobs = new JsonArray();
            JsonObject counts = new JsonObject().put("queued", 0).put("running", 0).put("succeeded", 0).put("failed", 0);
            rows.forEach(r -> {
              JsonObject job = job(r);
              jobs.add(job.put("row", r.getInteger("batch_row")));
              counts.put(job.getString("state"), counts.getInteger(job.getString("state")) + 1);
            });
            int finished = counts.getInteger("succeeded") + counts.getInteger("failed");
            String state = finished == jobs.size() ? (counts.getInteger("failed") == 0 ? "succeeded" : "failed")
                : counts.getInteger("running") > 0 || finished > 0 ? "running" : "queued";
            return new JsonObject().put("id", id).put("strategy", b.getString("strategy")).put("concurrency", b.getInteger("concurrency"))
                .put("state", state).put("total", jobs.size()).put("counts", counts)
                .put("percent", jobs.isEmpty() ? 100 : percent(jobs))
                .put("created_by", b.getString("created_by")).put("created_at", time(b.getOffsetDateTime("created_at")))
                .put("jobs", jobs);
          });
    });
  }

  private static int percent(JsonArray jobs) {
    int sum = 0;
    for (int i = 0; i < jobs.size(); i++) {
      JsonObject job = jobs.getJsonObject(i);
      sum += List.of("succeeded", "failed").contains(job.getString("state")) ? 100 : job.getInteger("percent", 0);
    }
    return sum / jobs.size();
  }

  /** Queues the failed rows of a batch again as new jobs (the failed ones stay as history); the new ids. */
  public Future<List<Long>> retryFailed(long batchId, String createdBy) {
    return conflictOnActive(pool.preparedQuery("""
        INSERT INTO enrollment_jobs (kind, batch_id, batch_row, target, os, request, sealed_auth, host_id, created_by)
        SELECT kind, batch_id, batch_row, target, os, request, sealed_auth, host_id, $2
        FROM (SELECT DISTINCT ON (batch_row) * FROM enrollment_jobs WHERE batch_id = $1 ORDER BY batch_row, id DESC) latest
        WHERE latest.state = 'failed'
        RETURNING id""").execute(Tuple.of(batchId, createdBy)).map(rows -> {
          List<Long> ids = new ArrayList<>();
          rows.forEach(r -> ids.add(r.getLong("id")));
          return ids;
        }));
  }

  private static final String JOB_SELECT = "SELECT j.* FROM enrollment_jobs j";

  private static JsonObject job(Row r) {
    return new JsonObject().put("id", r.getLong("id")).put("kind", r.getString("kind")).put("batch_id", r.getLong("batch_id"))
        .put("state", r.getString("state")).put("target", r.getString("target")).put("host_id", r.getLong("host_id"))
        .put("os", r.getString("os")).put("request", r.getValue("request")).put("attempts", r.getInteger("attempts"))
        .put("current_step", r.getString("current_step")).put("percent", r.getInteger("percent")).put("error", r.getString("error"))
        .put("facts", r.getValue("facts")).put("host_key", r.getString("host_key")).put("created_by", r.getString("created_by"))
        .put("created_at", time(r.getOffsetDateTime("created_at"))).put("started_at", time(r.getOffsetDateTime("started_at")))
        .put("finished_at", time(r.getOffsetDateTime("finished_at")));
  }

  private static String time(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }
}
