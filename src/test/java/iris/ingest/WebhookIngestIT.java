package iris.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import iris.EventAddress;
import iris.testing.Http;
import iris.testing.Payloads;
import iris.testing.Sql;
import iris.testing.TestIris;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The webhook against a real PostgreSQL 16: storage, idempotence, resolution, group commit. */
class WebhookIngestIT {
  private static TestIris iris;
  private static String db;
  private static final List<JsonObject> wakes = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    // Ingest alone: no stage takes the incidents, so this test sees them as the intake leaves them.
    iris = TestIris.start(Map.of("IRIS_ROLES", "ingest"));
    db = iris.env.get("IRIS_DB_URL");
    iris.app.vertx().eventBus().<JsonObject>consumer(EventAddress.PIPELINE_WAKE.address(), m -> wakes.add(m.body()));
  }

  @AfterAll
  static void stop() throws Exception {
    iris.close();
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS);
  }

  /** Wake-ups of the enrich stage after {@code before}, once the intake's have arrived. */
  private static long wakesSince(int before) throws InterruptedException {
    Thread.sleep(200);
    return wakes.subList(before, wakes.size()).stream().filter(w -> "enrich".equals(w.getString("stage"))).count();
  }

  private static Object changedAt(long id) {
    return Sql.rows(db, "SELECT pipeline_changed_at FROM incidents WHERE id = ?", id).get(0).get("pipeline_changed_at");
  }

  @Test
  void storesAFiringAlertAsAnIncidentWithItsGroup() throws Exception {
    Instant start = now().minusSeconds(120);
    JsonObject payload = Payloads.webhook("{}:{alertname=\"HostOutOfMemory\"}",
        Payloads.firing("fp-store-1", "HostOutOfMemory", "web-1:9100", start));
    Http.Response response = iris.webhook(payload.encode());
    assertEquals(200, response.status(), response.body());
    assertEquals(1, response.json().getInteger("alerts"));

    Map<String, Object> row = Sql.rows(db, """
        SELECT i.*, g.group_key, g.receiver, g.external_url, g.common_labels::text AS common
        FROM incidents i JOIN alert_groups g ON g.id = i.group_id WHERE fingerprint = ?""", "fp-store-1").get(0);
    assertEquals("firing", row.get("status"));
    assertEquals("HostOutOfMemory", row.get("alertname"));
    assertEquals("critical", row.get("severity"));
    assertEquals("web-1:9100", row.get("instance"));
    assertEquals("node", row.get("service"), "service falls back to the job label");
    assertEquals("received", row.get("pipeline_state"));
    assertEquals(1, row.get("delivery_count"));
    assertNull(row.get("ends_at"), "a firing alert's zero endsAt is not an end");
    assertEquals("{}:{alertname=\"HostOutOfMemory\"}", row.get("group_key"));
    assertEquals("iris", row.get("receiver"));
    assertEquals("http://alertmanager:9093", row.get("external_url"));
    assertTrue(((String) row.get("common")).contains("\"job\": \"node\""));

    assertTrue(wakesSince(0) >= 1, "the enrich stage is woken");
  }

  @Test
  void oneWebhookWakesTheEnrichStageOnceForAllItsIncidents() throws Exception {
    Instant start = now().minusSeconds(60);
    Thread.sleep(200);
    int before = wakes.size();
    assertEquals(200, iris.webhook(Payloads.webhook("g-storm",
        Payloads.firing("fp-storm-1", "DiskFull", "a:9100", start),
        Payloads.firing("fp-storm-2", "DiskFull", "b:9100", start),
        Payloads.firing("fp-storm-3", "DiskFull", "c:9100", start)).encode()).status());
    assertEquals(1, wakesSince(before), "one wake-up for the group's commit");
    assertEquals(3, Sql.count(db, "SELECT count(*) FROM incidents i JOIN alert_groups g ON g.id = i.group_id "
        + "WHERE g.group_key = 'g-storm' AND i.pipeline_state = 'received' AND i.pipeline_due_at <= now()"));
  }

  @Test
  void aRepeatedDeliveryStaysOneIncidentAndIsNotAnnouncedAgain() throws Exception {
    Instant start = now().minusSeconds(300);
    String body = Payloads.webhook("{}:{alertname=\"HostHighCpuLoad\"}",
        Payloads.firing("fp-repeat-1", "HostHighCpuLoad", "db-1:9100", start)).encode();
    assertEquals(200, iris.webhook(body).status());
    Map<String, Object> first = Sql.rows(db, "SELECT id, last_seen_at FROM incidents WHERE fingerprint = ?", "fp-repeat-1").get(0);
    Object enteredAt = changedAt(((Number) first.get("id")).longValue());
    Thread.sleep(200);
    int before = wakes.size();
    assertEquals(200, iris.webhook(body).status());
    assertEquals(200, iris.webhook(body).status());

    List<Map<String, Object>> rows = Sql.rows(db, "SELECT id, delivery_count, last_seen_at FROM incidents WHERE fingerprint = ?", "fp-repeat-1");
    assertEquals(1, rows.size());
    assertEquals(3, rows.get(0).get("delivery_count"));
    assertTrue(((java.sql.Timestamp) rows.get(0).get("last_seen_at")).after((java.sql.Timestamp) first.get("last_seen_at")));
    assertEquals(0, wakesSince(before), "a repeat is no new work");
    assertEquals(enteredAt, changedAt(((Number) first.get("id")).longValue()));
  }

  @Test
  void anHaPairDeliveringTheSameAlertAtOnceMakesOneIncident() throws Exception {
    Instant start = now().minusSeconds(60);
    String body = Payloads.webhook("{}:{alertname=\"HostDown\"}", Payloads.firing("fp-ha-1", "HostDown", "app-7:9100", start)).encode();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    Future<Http.Response> a = pool.submit(() -> iris.webhook(body));
    Future<Http.Response> b = pool.submit(() -> iris.webhook(body));
    assertEquals(200, a.get().status());
    assertEquals(200, b.get().status());
    pool.shutdown();
    List<Map<String, Object>> rows = Sql.rows(db, "SELECT delivery_count FROM incidents WHERE fingerprint = ?", "fp-ha-1");
    assertEquals(1, rows.size());
    assertEquals(2, rows.get(0).get("delivery_count"));
  }

  @Test
  void aResolvedAlertClosesItsIncidentWithEndAndDuration() throws Exception {
    Instant start = now().minusSeconds(600);
    Instant end = start.plusSeconds(450);
    assertEquals(200, iris.webhook(Payloads.webhook("g-res", Payloads.firing("fp-res-1", "NginxDown", "lb-1:9113", start)).encode()).status());
    assertEquals(200, iris.webhook(Payloads.webhook("g-res", Payloads.resolved("fp-res-1", "NginxDown", "lb-1:9113", start, end)).encode()).status());

    Map<String, Object> row = Sql.rows(db, """
        SELECT id, status, resolved_by, ends_at, EXTRACT(EPOCH FROM ends_at - starts_at)::int AS duration, pipeline_state
        FROM incidents WHERE fingerprint = ?""", "fp-res-1").get(0);
    assertEquals("resolved", row.get("status"));
    assertEquals("alertmanager", row.get("resolved_by"));
    assertEquals(end, ((java.sql.Timestamp) row.get("ends_at")).toInstant());
    assertEquals(450, row.get("duration"));
    long id = ((Number) row.get("id")).longValue();
    assertEquals("received", row.get("pipeline_state"), "the resolution enters the pipeline again");

    JsonObject api = iris.api("GET", "/api/v1/incidents/" + id, null).json();
    assertEquals(450.0, api.getDouble("duration_seconds"));

    // A late firing copy (the other HA peer, a retry) does not reopen it.
    Object enteredAt = changedAt(id);
    Thread.sleep(200);
    int before = wakes.size();
    assertEquals(200, iris.webhook(Payloads.webhook("g-res", Payloads.firing("fp-res-1", "NginxDown", "lb-1:9113", start)).encode()).status());
    assertEquals("resolved", Sql.rows(db, "SELECT status FROM incidents WHERE fingerprint = ?", "fp-res-1").get(0).get("status"));
    assertEquals(0, wakesSince(before));
    assertEquals(enteredAt, changedAt(id));
  }

  @Test
  void concurrentRequestsAreJoinedIntoFewerTransactionsAndAllStored() throws Exception {
    double commitsBefore = metric("iris_ingest_commit_seconds_count");
    Instant start = now().minusSeconds(30);
    int requests = 40;
    int perRequest = 50;
    ExecutorService pool = Executors.newFixedThreadPool(16);
    List<Future<Http.Response>> responses = new ArrayList<>();
    for (int r = 0; r < requests; r++) {
      JsonObject[] alerts = new JsonObject[perRequest];
      for (int a = 0; a < perRequest; a++) {
        alerts[a] = Payloads.firing("fp-burst-" + r + "-" + a, "BurstAlert", "host-" + a + ":9100", start);
      }
      String body = Payloads.webhook("g-burst-" + r, alerts).encode();
      responses.add(pool.submit(() -> iris.webhook(body)));
    }
    for (Future<Http.Response> f : responses) {
      assertEquals(200, f.get(60, TimeUnit.SECONDS).status());
    }
    pool.shutdown();
    assertEquals(requests * perRequest, Sql.count(db, "SELECT count(*) FROM incidents WHERE fingerprint LIKE 'fp-burst-%'"));
    assertEquals(requests, Sql.count(db, "SELECT count(*) FROM alert_groups WHERE group_key LIKE 'g-burst-%'"));
    double commits = metric("iris_ingest_commit_seconds_count") - commitsBefore;
    assertTrue(commits < requests, "group commit joined " + requests + " requests into " + commits + " transactions");
    assertTrue(metric("iris_ingest_batch_requests_max") > 1);
  }

  @Test
  void metricsExposeRequestsByStatusAndAlertsIngested() {
    iris.webhook("{not json");
    String metrics = iris.http.get("/metrics", Map.of()).body();
    assertTrue(metrics.contains("iris_webhook_requests_total{status=\"400\"}"), metrics);
    assertTrue(metrics.contains("iris_alerts_ingested_total"));
    assertTrue(metrics.contains("iris_ingest_commit_seconds_bucket"));
    assertTrue(metrics.contains("iris_event_loop_delay_seconds"));
    assertTrue(metrics.contains("vertx_http_server_requests_total") || metrics.contains("vertx_http_server_response"), "Vert.x HTTP metrics");
    assertTrue(metrics.contains("vertx_pool"), "Vert.x pool metrics");
    assertTrue(metrics.contains("jvm_memory_used_bytes"));
  }

  @Test
  void readinessReportsEachCheck() {
    Http.Response ready = iris.http.get("/health/ready", Map.of());
    assertEquals(200, ready.status());
    JsonObject body = ready.json();
    assertEquals("UP", body.getString("status"));
    assertEquals(java.util.Set.of("deployments", "database", "shared-state", "knowledge", "prometheus", "webhook-size", "metrics"), body.getJsonArray("checks").stream()
        .map(c -> ((JsonObject) c).getString("id")).collect(java.util.stream.Collectors.toSet()));
    assertNotNull(iris.http.get("/health/live", Map.of()).json().getString("status"));
  }

  private static double metric(String name) {
    String text = iris.http.get("/metrics", Map.of()).body();
    return text.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }
}
