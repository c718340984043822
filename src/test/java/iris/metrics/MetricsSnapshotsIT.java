package iris.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.testing.Http;
import iris.testing.Ports;
import iris.testing.Sql;
import iris.testing.TestIris;
import iris.testing.TestPrometheus;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Snapshots against Debian's real Prometheus scraping Debian's real node exporter on loopback
 * (this machine, as 127.0.0.1 and as localhost: two hosts by address): rows with plausible
 * values and a disk trend from earlier rows, low thresholds marking warning and critical (and a
 * host's override), and a Prometheus that is down or slow recorded per instance while the
 * others are snapshotted. The job runs through the API, like an operator's "run now".
 */
class MetricsSnapshotsIT {
  private static TestPrometheus prometheus;

  @BeforeAll
  static void startPrometheus() throws Exception {
    prometheus = TestPrometheus.start();
  }

  @AfterAll
  static void stopPrometheus() throws Exception {
    if (prometheus != null) {
      prometheus.close();
    }
  }

  private static TestIris iris(JsonArray instances, Map<String, String> more) throws Exception {
    Map<String, String> env = new HashMap<>(Map.of(
        "IRIS_ROLES", "ingest,schedule",
        "IRIS_PROMETHEUS_INSTANCES", instances.encode(),
        // slots at midnight: the scheduler leaves the job to the test
        "IRIS_METRICS_SNAPSHOT_INTERVAL", "P1D"));
    env.putAll(more);
    return TestIris.start(env);
  }

  private static JsonObject instance(String name, String url, String... environments) {
    return new JsonObject().put("name", name).put("url", url).put("environments", new JsonArray(List.of((Object[]) environments)));
  }

  @Test
  void aRegisteredHostIsSnapshottedWithPlausibleValuesAndItsDiskTrend() throws Exception {
    try (TestIris iris = iris(new JsonArray().add(instance("loop", prometheus.url())), Map.of())) {
      String db = iris.env.get("IRIS_DB_URL");
      long here = host(iris, new JsonObject().put("hostname", "loop-a").put("address", "127.0.0.1"));
      long nowhere = host(iris, new JsonObject().put("hostname", "nowhere.example.org").put("address", "192.0.2.7"));
      // Six earlier snapshots, one a day, the fullest disk at 1 % to 6 %: today's real figure is above them.
      Instant now = Instant.now();
      for (int day = 6; day >= 1; day--) {
        Sql.rows(db, "INSERT INTO metric_snapshots (host_id, hostname, instance, taken_at, fullest_mountpoint, fullest_disk_pct, state)"
            + " VALUES (?, 'loop-a', 'loop', ?::timestamptz, '/', ?, 'ok') RETURNING id", here,
            now.minus(Duration.ofDays(day)).toString(), (double) (7 - day));
      }

      double queries = prometheus.queriesAnswered();
      JsonObject run = runJob(iris, MetricsCapability.SNAPSHOTS_JOB);
      assertEquals("ok", run.getString("outcome"), run.encodePrettily());
      // One query per metric (CPU, memory, disk, load, up) for both hosts, not one per host.
      assertEquals(5, prometheus.queriesAnswered() - queries, 0.0);
      assertEquals(1, iris.metric("iris_metrics_hosts{state=\"unknown\"}"), 0.0);
      assertEquals(1, iris.metric("iris_metrics_hosts{state=\"ok\"}") + iris.metric("iris_metrics_hosts{state=\"warning\"}")
          + iris.metric("iris_metrics_hosts{state=\"critical\"}"), 0.0);

      JsonArray items = snapshots(iris, here, null);
      assertEquals(7, items.size(), items.encodePrettily());
      JsonObject s = items.getJsonObject(6);
      String seen = s.encodePrettily();
      assertEquals("loop", s.getString("instance"), seen);
      assertEquals("loop-a", s.getString("hostname"), seen);
      assertPct(s.getDouble("cpu_busy_pct"), seen);
      assertPct(s.getDouble("mem_used_pct"), seen);
      assertTrue(s.getDouble("mem_used_pct") > 0, seen);
      assertTrue(s.getDouble("load_per_core") >= 0 && s.getDouble("load_per_core") < 100, seen);
      assertEquals(Boolean.TRUE, s.getBoolean("up"), seen);
      assertEquals(1, s.getInteger("targets_up"), seen);
      assertEquals(1, s.getInteger("targets_total"), seen);
      JsonArray disks = s.getJsonArray("disk");
      assertFalse(disks.isEmpty(), seen);
      double fullest = -1;
      for (Object d : disks) {
        assertPct(((JsonObject) d).getDouble("used_pct"), seen);
        fullest = Math.max(fullest, ((JsonObject) d).getDouble("used_pct"));
      }
      assertTrue(disks.stream().anyMatch(d -> "/".equals(((JsonObject) d).getString("mountpoint"))), seen);
      assertEquals(fullest, s.getDouble("fullest_disk_pct"), 0.001, seen);
      assertEquals(disks.getJsonObject(0).getString("mountpoint"), s.getString("fullest_mountpoint"), seen);
      // Prometheus's own figures, asked now, are close to the snapshot's.
      double memory = prometheus.value("100 * (1 - node_memory_MemAvailable_bytes{instance=\"127.0.0.1:" + prometheus.exporterPort()
          + "\"} / node_memory_MemTotal_bytes)");
      assertEquals(memory, s.getDouble("mem_used_pct"), 5, seen);
      // The state is what the default thresholds make of the figures.
      assertEquals(expectedState(s), s.getString("state"), seen);
      // The trend: the least-squares slope over the seven points, rising, so "full in" is set.
      double trend = s.getDouble("disk_trend_pct_per_day");
      assertTrue(trend > 0, seen);
      assertEquals(slope(db, here), trend, 0.01, seen);
      assertEquals((100 - s.getDouble("fullest_disk_pct")) / trend, s.getDouble("disk_full_in_days"), 0.05, seen);

      JsonObject unknown = snapshots(iris, nowhere, null).getJsonObject(0);
      assertEquals("unknown", unknown.getString("state"), unknown.encodePrettily());
      assertNull(unknown.getValue("up"));
      assertEquals(0, unknown.getInteger("targets_total"));
      assertNull(unknown.getValue("cpu_busy_pct"));

      // The latest of every host, and by state.
      JsonArray latest = ok(iris.api("GET", "/api/v1/snapshots/latest", null)).getJsonArray("items");
      assertEquals(2, latest.size(), latest.encodePrettily());
      assertEquals(List.of("loop-a", "nowhere.example.org"), latest.stream().map(o -> ((JsonObject) o).getString("hostname")).toList());
      assertEquals(s.getLong("id"), latest.getJsonObject(0).getLong("id"), "the newest of loop-a's rows");
      JsonArray unknownOnly = ok(iris.api("GET", "/api/v1/snapshots/latest?state=unknown", null)).getJsonArray("items");
      assertEquals(1, unknownOnly.size());
      assertEquals(nowhere, unknownOnly.getJsonObject(0).getLong("host_id"));
      assertEquals(2, ok(iris.api("GET", "/api/v1/snapshots/latest?state=unknown,ok,warning,critical", null)).getJsonArray("items").size());

      // A period: since and until bound it, [since, until).
      Instant fourDaysAgo = now.minus(Duration.ofDays(4)).minusSeconds(60);
      JsonArray period = snapshots(iris, here, "?since=" + fourDaysAgo + "&until=" + now.minus(Duration.ofDays(1)).plusSeconds(1));
      assertEquals(4, period.size(), period.encodePrettily());

      // Bad requests are problems naming the parameter.
      problem(iris.api("GET", "/api/v1/snapshots/latest?state=bad", null), 400, "state");
      problem(iris.api("GET", "/api/v1/snapshots/latest?state=warning,nope", null), 400, "state");
      problem(iris.api("GET", "/api/v1/hosts/" + here + "/snapshots?since=yesterday", null), 400, "since");
      problem(iris.api("GET", "/api/v1/hosts/" + here + "/snapshots?until=2026-13-01T00:00:00Z", null), 400, "until");
      problem(iris.api("GET", "/api/v1/hosts/" + here + "/snapshots?since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z", null),
          400, "since");
      problem(iris.api("GET", "/api/v1/hosts/" + here + "/snapshots?limit=0", null), 400, "limit");
      problem(iris.api("GET", "/api/v1/hosts/abc/snapshots", null), 400, "id");
      assertEquals(404, iris.api("GET", "/api/v1/hosts/999999/snapshots", null).status());
      assertEquals(401, iris.http.get("/api/v1/snapshots/latest", Map.of()).status());

      JsonArray jobs = ok(iris.api("GET", "/api/v1/jobs", null)).getJsonArray("items");
      JsonObject snapshotJob = jobs.stream().map(JsonObject.class::cast).filter(j -> j.getString("name").equals("metrics-snapshots"))
          .findFirst().orElseThrow();
      assertEquals("interval", snapshotJob.getString("kind"));
      assertEquals("PT24H", snapshotJob.getString("schedule"), "metrics.snapshot_interval");
      JsonObject pruneJob = jobs.stream().map(JsonObject.class::cast).filter(j -> j.getString("name").equals("metrics-snapshots-prune"))
          .findFirst().orElseThrow();
      assertEquals("PT1H", pruneJob.getString("schedule"));

      JsonObject check = readiness(iris);
      assertEquals(Boolean.FALSE, check.getJsonObject("data").getBoolean("degraded"), check.encodePrettily());
      assertEquals(2, check.getJsonObject("data").getJsonObject("instances").getJsonObject("loop").getInteger("hosts"));
    } catch (Throwable e) {
      System.err.println(prometheus.logs());
      throw e;
    }
  }

  @Test
  void lowThresholdsMarkWarningAndCriticalAndAHostOverrideHasTheLastWord() throws Exception {
    Map<String, String> thresholds = Map.of(
        "IRIS_METRICS_THRESHOLDS_CPU_WARNING", "100", "IRIS_METRICS_THRESHOLDS_CPU_CRITICAL", "100",
        "IRIS_METRICS_THRESHOLDS_LOAD_WARNING", "1000", "IRIS_METRICS_THRESHOLDS_LOAD_CRITICAL", "1000",
        // any memory in use is a warning, any disk in use critical
        "IRIS_METRICS_THRESHOLDS_MEMORY_WARNING", "0.01", "IRIS_METRICS_THRESHOLDS_MEMORY_CRITICAL", "100",
        "IRIS_METRICS_THRESHOLDS_DISK_WARNING", "0", "IRIS_METRICS_THRESHOLDS_DISK_CRITICAL", "0",
        "IRIS_METRICS_OVERRIDES", new JsonArray().add(new JsonObject().put("host", "loop-b")
            .put("disk", new JsonObject().put("warning", 100).put("critical", 100.5))).encode());
    try (TestIris iris = iris(new JsonArray().add(instance("loop", prometheus.url())), thresholds)) {
      long a = host(iris, new JsonObject().put("hostname", "loop-a").put("address", "127.0.0.1"));
      long b = host(iris, new JsonObject().put("hostname", "loop-b").put("address", "localhost"));
      assertEquals("ok", runJob(iris, MetricsCapability.SNAPSHOTS_JOB).getString("outcome"));

      JsonObject critical = snapshots(iris, a, null).getJsonObject(0);
      String seen = critical.encodePrettily();
      assertEquals("critical", critical.getString("state"), seen);
      JsonArray breaches = critical.getJsonArray("breaches");
      assertEquals(2, breaches.size(), seen);
      JsonObject disk = breaches.getJsonObject(0);
      assertEquals("disk", disk.getString("metric"), seen);
      assertEquals("critical", disk.getString("level"), seen);
      assertEquals(critical.getString("fullest_mountpoint"), disk.getString("mountpoint"), seen);
      assertEquals(critical.getDouble("fullest_disk_pct"), disk.getDouble("value"), 0.001, seen);
      assertEquals(0.0, disk.getDouble("critical"), seen);
      JsonObject memory = breaches.getJsonObject(1);
      assertEquals("memory", memory.getString("metric"), seen);
      assertEquals("warning", memory.getString("level"), seen);
      assertEquals(0.01, memory.getDouble("warning"), seen);

      JsonObject warning = snapshots(iris, b, null).getJsonObject(0);
      seen = warning.encodePrettily();
      assertEquals("warning", warning.getString("state"), seen);
      assertEquals(List.of("memory"), warning.getJsonArray("breaches").stream().map(o -> ((JsonObject) o).getString("metric")).toList(),
          seen);
      assertEquals(Boolean.TRUE, warning.getBoolean("up"), seen);

      JsonArray bad = ok(iris.api("GET", "/api/v1/snapshots/latest?state=critical", null)).getJsonArray("items");
      assertEquals(List.of(a), bad.stream().map(o -> ((JsonObject) o).getLong("host_id")).toList());
      JsonArray either = ok(iris.api("GET", "/api/v1/snapshots/latest?state=warning,critical", null)).getJsonArray("items");
      assertEquals(2, either.size());
    }
  }

  @Test
  void aPrometheusThatIsDownOrSlowIsRecordedAndTheOthersAreStillSnapshotted() throws Exception {
    int closed = Ports.free();
    // Accepts connections (the kernel's backlog) and never answers: a Prometheus that hangs.
    try (ServerSocket hanging = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      JsonArray instances = new JsonArray()
          .add(instance("loop", prometheus.url(), "prod"))
          .add(instance("gone", "http://127.0.0.1:" + closed, "lab"))
          .add(instance("slow", "http://127.0.0.1:" + hanging.getLocalPort(), "staging"));
      try (TestIris iris = iris(instances, Map.of("IRIS_METRICS_QUERY_TIMEOUT", "PT1S"))) {
        String db = iris.env.get("IRIS_DB_URL");
        long prod = host(iris, new JsonObject().put("hostname", "loop-a").put("address", "127.0.0.1").put("environment", "prod"));
        long lab = host(iris, new JsonObject().put("hostname", "lab-1").put("address", "127.0.0.1").put("environment", "lab"));
        long staging = host(iris, new JsonObject().put("hostname", "stage-1").put("address", "localhost").put("environment", "staging"));

        JsonObject run = runJob(iris, MetricsCapability.SNAPSHOTS_JOB);
        String seen = run.encodePrettily();
        assertEquals("failed", run.getString("outcome"), seen);
        assertTrue(run.getString("error").startsWith("Prometheus instances failed: gone: cannot reach Prometheus gone at http://127.0.0.1:"
            + closed + ": "), seen);
        assertTrue(run.getString("error").contains("; slow: cannot reach Prometheus slow at http://127.0.0.1:" + hanging.getLocalPort()
            + ": no answer within 1000 ms ("), seen);
        assertTrue(run.getString("error").contains("1 hosts snapshotted from 1 of 3 instances"), seen);
        // The job's record says so too.
        JsonObject listed = ok(iris.api("GET", "/api/v1/jobs", null)).getJsonArray("items").stream().map(JsonObject.class::cast)
            .filter(j -> j.getString("name").equals(MetricsCapability.SNAPSHOTS_JOB)).findFirst().orElseThrow();
        assertEquals("failed", listed.getJsonObject("last_run").getString("outcome"), listed.encodePrettily());

        // The instance that answered was snapshotted; the others' hosts got nothing (no made-up "unknown").
        JsonObject s = snapshots(iris, prod, null).getJsonObject(0);
        assertEquals(Boolean.TRUE, s.getBoolean("up"), s.encodePrettily());
        assertEquals(0, snapshots(iris, lab, null).size());
        assertEquals(0, snapshots(iris, staging, null).size());
        assertEquals(1, Sql.count(db, "SELECT count(*) FROM metric_snapshot_failures WHERE instance = 'gone'"));
        assertEquals(1, Sql.count(db, "SELECT count(*) FROM metric_snapshot_failures WHERE instance = 'slow'"));
        assertEquals(0, Sql.count(db, "SELECT count(*) FROM metric_snapshot_failures WHERE instance = 'loop'"));
        String slowError = (String) Sql.rows(db, "SELECT error FROM metric_snapshot_failures WHERE instance = 'slow'").get(0).get("error");
        assertTrue(slowError.contains("cannot reach Prometheus slow"), slowError);

        // Readiness stays up and says which instance is the trouble.
        Http.Response ready = iris.http.get("/health/ready", Map.of());
        assertEquals(200, ready.status(), ready.body());
        JsonObject check = readiness(iris);
        JsonObject data = check.getJsonObject("data");
        assertEquals(Boolean.TRUE, data.getBoolean("degraded"), check.encodePrettily());
        assertTrue(data.getJsonObject("instances").getJsonObject("gone").getString("error").contains("cannot reach"), check.encodePrettily());
        assertNull(data.getJsonObject("instances").getJsonObject("gone").getValue("last_ok_at"), check.encodePrettily());
        assertNull(data.getJsonObject("instances").getJsonObject("loop").getValue("error"), check.encodePrettily());
        assertEquals(1, data.getJsonObject("instances").getJsonObject("loop").getInteger("hosts"));

        // Each run records its own failure.
        assertEquals("failed", runJob(iris, MetricsCapability.SNAPSHOTS_JOB).getString("outcome"));
        assertEquals(2, Sql.count(db, "SELECT count(*) FROM metric_snapshot_failures WHERE instance = 'gone'"));
        assertEquals(2, iris.metric("iris_metrics_snapshot_failures_total{instance=\"gone\"}"), 0.0);
        assertEquals(0, iris.metric("iris_metrics_snapshot_failures_total{instance=\"loop\"}"), 0.0);
        assertEquals(2, snapshots(iris, prod, null).size());
      }
    }
  }

  @Test
  void aQueryPrometheusRefusesLeavesItsMetricOutAndIsRecorded() throws Exception {
    Map<String, String> badLoad = Map.of("IRIS_METRICS_QUERIES_NODE_LOAD", "avg by (instance) (node_load5",
        "IRIS_METRICS_QUERIES_WINDOWS_LOAD", "");
    try (TestIris iris = iris(new JsonArray().add(instance("loop", prometheus.url())), badLoad)) {
      String db = iris.env.get("IRIS_DB_URL");
      long a = host(iris, new JsonObject().put("hostname", "loop-a").put("address", "127.0.0.1"));
      JsonObject run = runJob(iris, MetricsCapability.SNAPSHOTS_JOB);
      String seen = run.encodePrettily();
      assertEquals("failed", run.getString("outcome"), seen);
      assertTrue(run.getString("error").startsWith("Prometheus instances failed: loop: load: query failed (bad_data): "), seen);
      assertTrue(run.getString("error").contains("1 hosts snapshotted from 1 of 1 instances"), seen);
      // The other metrics are there; the one refused is null.
      JsonObject s = snapshots(iris, a, null).getJsonObject(0);
      assertNull(s.getValue("load_per_core"), s.encodePrettily());
      assertPct(s.getDouble("cpu_busy_pct"), s.encodePrettily());
      assertEquals(Boolean.TRUE, s.getBoolean("up"), s.encodePrettily());
      String error = (String) Sql.rows(db, "SELECT error FROM metric_snapshot_failures WHERE instance = 'loop'").get(0).get("error");
      assertTrue(error.startsWith("load: query failed (bad_data): "), error);
      assertEquals(Boolean.TRUE, readiness(iris).getJsonObject("data").getBoolean("degraded"));
    }
  }

  // ---- helpers

  private static void assertPct(Double value, String seen) {
    assertNotNull(value, seen);
    assertTrue(value >= 0 && value <= 100, value + " is not a percentage: " + seen);
  }

  /** What the default levels (CPU 80/90, memory 85/95, disk 80/90, load 2/4) make of a snapshot's figures. */
  private static String expectedState(JsonObject s) {
    int worst = Math.max(Math.max(level(s.getDouble("cpu_busy_pct"), 80, 90), level(s.getDouble("mem_used_pct"), 85, 95)),
        Math.max(level(s.getDouble("fullest_disk_pct"), 80, 90), level(s.getDouble("load_per_core"), 2, 4)));
    return List.of("ok", "warning", "critical").get(worst);
  }

  private static int level(double value, double warning, double critical) {
    return value >= critical ? 2 : value >= warning ? 1 : 0;
  }

  /** PostgreSQL's own least-squares slope over the host's rows, per day. */
  private static double slope(String db, long hostId) {
    Object slope = Sql.rows(db, "SELECT regr_slope(fullest_disk_pct, extract(epoch FROM taken_at) / 86400) AS s"
        + " FROM metric_snapshots WHERE host_id = ?", hostId).get(0).get("s");
    return ((Number) slope).doubleValue();
  }

  private static long host(TestIris iris, JsonObject body) {
    Http.Response created = iris.api("POST", "/api/v1/hosts", body.encode());
    assertEquals(201, created.status(), created.body());
    return created.json().getLong("id");
  }

  private static JsonArray snapshots(TestIris iris, long hostId, String query) {
    return ok(iris.api("GET", "/api/v1/hosts/" + hostId + "/snapshots" + (query == null ? "?since=" + Instant.now().minus(Duration.ofDays(8))
        .truncatedTo(ChronoUnit.SECONDS) : query), null)).getJsonArray("items");
  }

  private static JsonObject ok(Http.Response r) {
    assertEquals(200, r.status(), r.body());
    return r.json();
  }

  private static void problem(Http.Response r, int status, String field) {
    assertEquals(status, r.status(), r.body());
    assertEquals(field, r.json().getString("field"), r.body());
  }

  private static JsonObject readiness(TestIris iris) {
    JsonObject ready = iris.http.get("/health/ready", Map.of()).json();
    return ready.getJsonArray("checks").stream().map(JsonObject.class::cast).filter(c -> c.getString("id").equals("metrics"))
        .findFirst().orElseThrow(() -> new AssertionError("no metrics check: " + ready.encodePrettily()));
  }

  /** Runs a job now and returns its record once it has ended. */
  private static JsonObject runJob(TestIris iris, String job) throws InterruptedException {
    Http.Response accepted = iris.api("POST", "/api/v1/jobs/" + job + "/run", null);
    assertEquals(202, accepted.status(), accepted.body());
    long id = accepted.json().getLong("id");
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      JsonObject run = ok(iris.api("GET", "/api/v1/jobs/" + job + "/runs", null)).getJsonArray("items").stream()
          .map(JsonObject.class::cast).filter(r -> r.getLong("id") == id).findFirst().orElseThrow();
      if (!run.getString("outcome").equals("running")) {
        return run;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("run " + id + " of " + job + " did not finish");
  }
}
