package iris.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.EventAddress;
import iris.testing.Knowledge;
import iris.testing.Payloads;
import iris.testing.Sql;
import iris.testing.TestIris;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Webhook in, enrichment out, with the real in-process model and no LLM (template narratives). */
class EnrichmentIT {
  private static TestIris iris;
  private static String db;
  private static final Set<Long> announcedEnriched = ConcurrentHashMap.newKeySet();
  private static final Instant T0 = Instant.parse("2026-11-20T08:00:00Z");

  @BeforeAll
  static void start() throws Exception {
    // No notifier: enriched incidents stay enriched for this test to read.
    iris = TestIris.start(java.util.Map.of("IRIS_ROLES", "ingest,enrich,schedule"));
    db = iris.env.get("IRIS_DB_URL");
    iris.app.vertx().eventBus().<JsonObject>consumer(EventAddress.PIPELINE_WAKE.address(), m -> {
      if ("notify".equals(m.body().getString("stage"))) {
        announcedEnriched.add(0L);
      }
    });
    Knowledge.importRunbooks(iris, "HostOutOfMemory", "HostHighCpuLoad", "HostOutOfDiskSpace", "PostgresqlDeadLocks",
        "NginxHighHttp5xxErrorRate", "HostOomKillDetected");
    iris.api("POST", "/api/v1/maintainers", new JsonObject().put("name", "alice").encode());
    iris.api("POST", "/api/v1/hosts", new JsonObject().put("hostname", "node-1").put("maintainers", new JsonArray().add("alice")).encode());
    Knowledge.add(iris, "infrastructure", "node-1: the billing cache host",
        "# node-1\n\nnode-1 runs the billing-api cache (memcached, 48 GB). Its memory is sized for 40 GB of cache.");
  }

  @AfterAll
  static void stop() throws Exception {
    iris.close();
  }

  private static long incident(String fingerprint) {
    return ((Number) Sql.rows(db, "SELECT id FROM incidents WHERE fingerprint = ?", fingerprint).get(0).get("id")).longValue();
  }

  private static String state(long id) {
    return (String) Sql.rows(db, "SELECT pipeline_state FROM incidents WHERE id = ?", id).get(0).get("pipeline_state");
  }

  private static JsonObject get(long id) {
    return iris.api("GET", "/api/v1/incidents/" + id, null).json();
  }

  @Test
  void aFiringAlertIsEnrichedFromTheRunbookThatExplainsIt() throws Exception {
    JsonObject alert = Payloads.firing("fp-oom-1", "HostOutOfMemory", "node-1:9100", T0);
    alert.getJsonObject("annotations").put("summary", "Host out of memory (instance node-1:9100)")
        .put("description", "Node memory is filling up (< 10% left)\n  VALUE = 4.2\n  LABELS = map[instance:node-1:9100]");
    assertEquals(200, iris.webhook(Payloads.webhook("{}:{alertname=\"HostOutOfMemory\"}", alert).encode()).status());
    long id = incident("fp-oom-1");
    Knowledge.await("enrichment", 30_000, () -> !"received".equals(state(id)));

    JsonObject enrichment = get(id).getJsonObject("enrichment");
    assertEquals("template", enrichment.getString("generated_by"));
    assertTrue(enrichment.getString("summary").startsWith("HostOutOfMemory on node-1:9100"), enrichment.getString("summary"));
    JsonArray runbooks = enrichment.getJsonObject("context").getJsonArray("runbooks");
    assertTrue(runbooks.getJsonObject(0).getString("title").startsWith("HostOutOfMemory:"), runbooks.encode());
    // the remediation is the runbook's own numbered steps
    List<String> steps = enrichment.getJsonArray("remediation").stream().map(String::valueOf).toList();
    String runbook = java.nio.file.Files.readString(Knowledge.RUNBOOKS.resolve("HostOutOfMemory.md"));
    assertEquals(RunbookSections.parse(runbook).remediation(), steps);
    assertFalse(steps.isEmpty());
    assertTrue(enrichment.getString("probable_cause").startsWith("Most likely: "), enrichment.getString("probable_cause"));
    JsonArray infrastructure = enrichment.getJsonObject("context").getJsonArray("infrastructure");
    assertEquals("node-1: the billing cache host", infrastructure.getJsonObject(0).getString("title"));
    assertTrue(enrichment.getJsonArray("references").stream().anyMatch(r -> r.toString().startsWith("runbooks/")));
    JsonObject owner = enrichment.getJsonObject("context").getJsonObject("owner");
    assertEquals("node-1", owner.getString("host"), "what the registry knows of the host joins the context");
    assertEquals(new JsonArray().add("alice"), owner.getJsonArray("maintainers"));
    Knowledge.await("enriched announcement", 5_000, () -> !announcedEnriched.isEmpty());
  }

  @Test
  void anAlertOnAHostCarriesItsLatestMetricsSnapshotAndDiskTrend() throws Exception {
    long hostId = iris.api("POST", "/api/v1/hosts", new JsonObject().put("hostname", "disk-1").encode()).json().getLong("id");
    Sql.rows(db, "INSERT INTO metric_snapshots (host_id, hostname, instance, taken_at, fullest_mountpoint, fullest_disk_pct, state)"
        + " VALUES (?, 'disk-1', 'default', now() - interval '2 hours', '/', 89.0, 'warning') RETURNING id", hostId);
    long latest = ((Number) Sql.rows(db, """
        INSERT INTO metric_snapshots (host_id, hostname, instance, taken_at, cpu_busy_pct, mem_used_pct, load_per_core, up,
          targets_up, targets_total, disk, fullest_mountpoint, fullest_disk_pct, state, breaches, disk_trend_pct_per_day, disk_full_in_days)
        VALUES (?, 'disk-1', 'default', now() - interval '1 minute', 12, 40, 0.3, true, 1, 1,
          '[{"mountpoint": "/", "used_pct": 91.2}]', '/', 91.2, 'critical',
          '[{"metric": "disk", "level": "critical", "value": 91.2, "warning": 80, "critical": 90, "mountpoint": "/"}]', 1.23, 7.15)
        RETURNING id""", hostId).get(0).get("id")).longValue();
    JsonObject alert = Payloads.firing("fp-disk-1", "HostOutOfDiskSpace", "disk-1:9100", T0);
    assertEquals(200, iris.webhook(Payloads.webhook("{}:{alertname=\"HostOutOfDiskSpace\",instance=\"disk-1\"}", alert).encode()).status());
    long id = incident("fp-disk-1");
    Knowledge.await("enrichment", 30_000, () -> !"received".equals(state(id)));

    JsonObject metrics = get(id).getJsonObject("enrichment").getJsonObject("context").getJsonObject("metrics");
    assertEquals("disk / 91 % (critical), +1.2 %/day, full in ~7 days", metrics.getString("text"), metrics.encodePrettily());
    assertEquals("critical", metrics.getString("state"));
    assertEquals(latest, metrics.getJsonObject("snapshot").getLong("id"), "the latest of the host's snapshots");
    assertEquals(1.23, metrics.getJsonObject("snapshot").getDouble("disk_trend_pct_per_day"));

    // A host without snapshots, and an instance no host has, carry none.
    JsonObject other = Payloads.firing("fp-disk-2", "HostOutOfDiskSpace", "node-1:9100", T0);
    assertEquals(200, iris.webhook(Payloads.webhook("{}:{alertname=\"HostOutOfDiskSpace\",instance=\"node-1\"}", other).encode()).status());
    long second = incident("fp-disk-2");
    Knowledge.await("enrichment", 30_000, () -> !"received".equals(state(second)));
    assertEquals(new JsonObject(), get(second).getJsonObject("enrichment").getJsonObject("context").getJsonObject("metrics"));
  }

  @Test
  void aStormOfThousandsOfAlertsOfThreeKindsIsThreeEnrichments() throws Exception {
    String groupKey = "{}:{job=\"storm\"}";
    String[] kinds = {"HostHighCpuLoad", "HostOutOfDiskSpace", "HostOomKillDetected"};
    for (int batch = 0; batch < 50; batch++) {
      JsonObject[] alerts = new JsonObject[100];
      for (int i = 0; i < 100; i++) {
        int n = batch * 100 + i;
        alerts[i] = Payloads.firing("fp-storm-" + n, kinds[n % 3], "storm-" + n + ":9100", T0);
      }
      assertEquals(200, iris.webhook(Payloads.webhook(groupKey, alerts).encode()).status());
    }
    Knowledge.await("5,000 incidents enriched", 60_000, () -> Sql.count(db,
        "SELECT count(*) FROM incidents WHERE fingerprint LIKE 'fp-storm-%' AND enrichment_id IS NOT NULL") == 5000);
    assertEquals(3, Sql.count(db, "SELECT count(*) FROM enrichments e JOIN alert_groups g ON g.id = e.group_id WHERE g.group_key = ?", groupKey));
    assertEquals(3, Sql.count(db, "SELECT count(DISTINCT enrichment_id) FROM incidents WHERE fingerprint LIKE 'fp-storm-%'"));
    JsonObject one = get(incident("fp-storm-4"));  // 4 % 3 = 1: HostOutOfDiskSpace
    assertTrue(one.getJsonObject("enrichment").getJsonObject("context").getJsonArray("runbooks")
        .getJsonObject(0).getString("title").startsWith("HostOutOfDiskSpace:"));
  }

  @Test
  void aResolutionPassesOnAndARootCauseIsLearned() throws Exception {
    String groupKey = "{}:{alertname=\"PostgresqlDeadLocks\"}";
    Instant start = T0.plusSeconds(600);
    iris.webhook(Payloads.webhook(groupKey, Payloads.firing("fp-dl-1", "PostgresqlDeadLocks", "pg-7:9187", start)).encode());
    long id = incident("fp-dl-1");
    Knowledge.await("enrichment", 30_000, () -> !"received".equals(state(id)));
    iris.webhook(Payloads.webhook(groupKey, Payloads.resolved("fp-dl-1", "PostgresqlDeadLocks", "pg-7:9187", start, start.plusSeconds(900))).encode());
    Knowledge.await("the resolution to pass enrichment", 30_000, () ->
        !"received".equals(state(id)) && !announcedEnriched.isEmpty()
            && "resolved".equals(Sql.rows(db, "SELECT status FROM incidents WHERE id = ?", id).get(0).get("status")));

    assertEquals(200, iris.api("PATCH", "/api/v1/incidents/" + id, new JsonObject()
        .put("root_cause", "The nightly invoice batch and the refund worker update the same ledger rows in opposite order.")
        .put("resolution_notes", "Made the refund worker lock ledger rows ordered by id; deadlocks stopped.").encode()).status());
    Knowledge.await("the incident to be learned", 30_000, () ->
        Sql.count(db, "SELECT count(*) FROM knowledge_documents WHERE incident_id = ?", id) == 1);
    JsonObject found = iris.api("GET", "/api/v1/knowledge/search?collection=incidents&q="
        + java.net.URLEncoder.encode("invoice batch and refunds lock the ledger in different orders", "UTF-8"), null).json();
    assertTrue(found.getJsonArray("results").getJsonObject(0).getString("title").startsWith("Past incident #" + id),
        found.encode());

    // the next deadlock alert, elsewhere, is told about it
    iris.webhook(Payloads.webhook("{}:{alertname=\"PostgresqlDeadLocks\",env=\"b\"}",
        Payloads.firing("fp-dl-2", "PostgresqlDeadLocks", "pg-9:9187", start.plusSeconds(7200))).encode());
    long next = incident("fp-dl-2");
    Knowledge.await("enrichment", 30_000, () -> !"received".equals(state(next)));
    JsonArray past = get(next).getJsonObject("enrichment").getJsonObject("context").getJsonArray("past_incidents");
    assertTrue(past.stream().anyMatch(p -> ((JsonObject) p).getString("title").startsWith("Past incident #" + id)), past.encode());
  }
}
