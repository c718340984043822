package iris.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import iris.incident.IncidentCapability;
import iris.testing.Http;
import iris.testing.Sql;
import iris.testing.TestIris;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /api/v1/jobs} on a whole Iris: listing with a read key, running with an admin key, once. */
class JobApiIT {
  private static TestIris iris;
  private static String readKey;

  @BeforeAll
  static void start() throws Exception {
    iris = TestIris.start(Map.of("IRIS_ROLES", "ingest,schedule", "IRIS_SCHEDULE_TIMEZONE", "Europe/Berlin"));
    readKey = iris.api("POST", "/api/v1/api-keys", new JsonObject().put("name", "grafana").put("scope", "read").encode())
        .json().getString("key");
  }

  @AfterAll
  static void stop() throws Exception {
    iris.close();
  }

  private static JsonObject job(Http.Response list, String name) {
    return list.json().getJsonArray("items").stream().map(JsonObject.class::cast)
        .filter(j -> j.getString("name").equals(name)).findFirst().orElseThrow(() -> new AssertionError(name + " in " + list.body()));
  }

  @Test
  void aReadKeyListsTheJobsWithTheirSchedulesAndRuns() {
    assertEquals(401, iris.http.get("/api/v1/jobs", Map.of()).status());
    Http.Response list = iris.http.get("/api/v1/jobs", Map.of("X-API-Key", readKey));
    assertEquals(200, list.status(), list.body());

    JsonObject prune = job(list, ScheduleCapability.PRUNE_RUNS_JOB);
    assertEquals("cron", prune.getString("kind"));
    assertEquals("17 3 * * *", prune.getString("schedule"));
    assertEquals("Europe/Berlin", prune.getString("time_zone"));
    Instant next = Instant.parse(prune.getString("next_run"));
    assertEquals(3, next.atZone(ZoneId.of("Europe/Berlin")).getHour(), "03:17 in the configured zone: " + next);
    assertEquals(17, next.atZone(ZoneId.of("Europe/Berlin")).getMinute());
    assertTrue(next.isAfter(Instant.now()) && next.isBefore(Instant.now().plusSeconds(86_400 + 3600)));

    JsonObject depth = job(list, IncidentCapability.PIPELINE_DEPTH_JOB);
    assertEquals("interval", depth.getString("kind"));
    assertEquals("PT15S", depth.getString("schedule"));
    assertNull(depth.getString("time_zone"));
  }

  @Test
  void anAdminRunsAJobNowOnceAndTheRunIsRecorded() {
    String db = iris.env.get("IRIS_DB_URL");
    Sql.execute(db, """
        INSERT INTO job_runs (job, scheduled_for, trigger, started_at, deadline, finished_at, outcome, node) VALUES
          ('job-runs-prune', '2020-01-01T03:17:00Z', 'schedule', '2020-01-01T03:17:00Z', '2020-01-01T03:30:00Z', '2020-01-01T03:17:01Z', 'ok', 'old'),
          ('job-runs-prune', '2020-01-02T03:17:00Z', 'schedule', '2020-01-02T03:17:00Z', '2020-01-02T03:30:00Z', '2020-01-02T03:17:01Z', 'ok', 'old'),
          ('gone-job', '2020-01-01T00:00:00Z', 'manual', '2020-01-01T00:00:00Z', '2020-01-01T00:10:00Z', '2020-01-01T00:00:01Z', 'failed', 'old')""");

    assertEquals(403, iris.http.post("/api/v1/jobs/job-runs-prune/run", "", Map.of("X-API-Key", readKey)).status());
    assertEquals(404, iris.api("POST", "/api/v1/jobs/no-such-job/run", null).status());

    Http.Response accepted = iris.api("POST", "/api/v1/jobs/job-runs-prune/run", null);
    assertEquals(202, accepted.status(), accepted.body());
    long id = accepted.json().getLong("id");
    JsonObject run = awaitFinished("job-runs-prune", id);
    assertEquals("ok", run.getString("outcome"), run.encode());
    assertEquals("manual", run.getString("trigger"));
    assertTrue(run.getString("node").contains("@"), "pid@host of the node that ran it");

    // Old runs are gone, except the job's latest scheduled slot (the catch-up needs it).
    assertEquals(0, Sql.count(db, "SELECT count(*) FROM job_runs WHERE job = 'gone-job'"));
    assertEquals(1, Sql.count(db, "SELECT count(*) FROM job_runs WHERE node = 'old'"));
    assertEquals(1, Sql.count(db, "SELECT count(*) FROM job_runs WHERE scheduled_for = '2020-01-02T03:17:00Z'"));

    JsonObject listed = job(iris.http.get("/api/v1/jobs", Map.of("X-API-Key", readKey)), "job-runs-prune").getJsonObject("last_run");
    assertEquals(id, listed.getLong("id"));
    assertEquals("ok", listed.getString("outcome"));
    assertTrue(listed.getString("finished_at") != null);

    String metrics = iris.http.get("/metrics", Map.of()).body();
    assertTrue(metrics.contains("iris_job_runs_total{job=\"job-runs-prune\",outcome=\"ok\"} 1.0"), metrics);
    assertTrue(metrics.contains("iris_job_last_success_timestamp_seconds{job=\"job-runs-prune\"}"));
    assertTrue(metrics.contains("iris_job_duration_seconds_bucket{job=\"job-runs-prune\",le=\"1.0\"}"));
  }

  @Test
  void aJobThatIsRunningSomewhereIsNotStartedAgain() {
    String db = iris.env.get("IRIS_DB_URL");
    // Another node is measuring the pipeline right now.
    Sql.execute(db, "INSERT INTO job_runs (job, scheduled_for, trigger, started_at, deadline, outcome, node) "
        + "VALUES ('pipeline-depth', now() + interval '1 hour', 'manual', now(), now() + interval '1 hour', 'running', 'other')");
    try {
      Http.Response conflict = iris.api("POST", "/api/v1/jobs/pipeline-depth/run", null);
      assertEquals(409, conflict.status(), conflict.body());
      assertEquals("conflict", conflict.json().getString("error"));
      JsonObject last = job(iris.http.get("/api/v1/jobs", Map.of("X-API-Key", readKey)), "pipeline-depth").getJsonObject("last_run");
      assertEquals("running", last.getString("outcome"));
      assertEquals("other", last.getString("node"));
    } finally {
      Sql.execute(db, "DELETE FROM job_runs WHERE node = 'other'");
    }
  }

  /** The run's record once it has ended (the job runs after the 202). */
  private static JsonObject awaitFinished(String job, long id) {
    long deadline = System.currentTimeMillis() + 20_000;
    while (System.currentTimeMillis() < deadline) {
      Http.Response runs = iris.http.get("/api/v1/jobs/" + job + "/runs", Map.of("X-API-Key", readKey));
      assertEquals(200, runs.status(), runs.body());
      JsonObject run = runs.json().getJsonArray("items").stream().map(JsonObject.class::cast)
          .filter(r -> r.getLong("id") == id).findFirst().orElseThrow();
      if (!run.getString("outcome").equals("running")) {
        return run;
      }
      Thread.onSpinWait();
    }
    throw new AssertionError("run " + id + " did not finish");
  }
}
