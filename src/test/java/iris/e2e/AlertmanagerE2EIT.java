package iris.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.ingest.AlertmanagerPayload;
import iris.testing.Http;
import iris.testing.Sql;
import iris.testing.TestAlertmanager;
import iris.testing.TestIris;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Debian's real Alertmanager on loopback, its webhook pointed at Iris with a bearer token:
 * alerts pushed into Alertmanager become incidents, then are resolved.
 */
class AlertmanagerE2EIT {

  @Test
  void alertsFromARealAlertmanagerBecomeIncidentsAndAreResolved() throws Exception {
    try (TestIris iris = TestIris.start()) {
      String db = iris.env.get("IRIS_DB_URL");
      try (TestAlertmanager am = TestAlertmanager.start(iris.port)) {
        Http amApi = am.api();

        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
        JsonArray alerts = new JsonArray();
        for (String host : List.of("web-1:9100", "web-2:9100", "db-1:9100")) {
          alerts.add(amAlert("HostOutOfMemory", host, "critical", start, start.plusSeconds(3600)));
        }
        alerts.add(amAlert("HostHighCpuLoad", "web-1:9100", "warning", start, start.plusSeconds(3600)));
        Http.Response pushed = amApi.post("/api/v2/alerts", alerts.encode(), Map.of("Content-Type", "application/json"));
        assertEquals(200, pushed.status(), pushed.body());

        waitFor(() -> Sql.count(db, "SELECT count(*) FROM incidents WHERE status = 'firing'") == 4, "4 firing incidents in Iris");
        List<Map<String, Object>> rows = Sql.rows(db, """
            SELECT i.fingerprint, i.labels::text AS labels, i.severity, g.receiver, g.group_key, g.external_url
            FROM incidents i JOIN alert_groups g ON g.id = i.group_id ORDER BY i.id""");
        for (Map<String, Object> row : rows) {
          assertEquals("iris", row.get("receiver"));
          assertTrue(((String) row.get("group_key")).contains("alertname="), (String) row.get("group_key"));
          assertEquals(AlertmanagerPayload.fingerprint(new ObjectMapper().readTree((String) row.get("labels"))), row.get("fingerprint"),
              "Iris computes the same fingerprint as Alertmanager");
        }
        assertEquals(2, Sql.count(db, "SELECT count(DISTINCT group_id) FROM incidents"), "grouped by alertname");

        // Resolve the memory alerts: the same labels with an end in the past.
        Instant end = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(1);
        JsonArray resolved = new JsonArray();
        for (String host : List.of("web-1:9100", "web-2:9100", "db-1:9100")) {
          resolved.add(amAlert("HostOutOfMemory", host, "critical", start, end));
        }
        assertEquals(200, amApi.post("/api/v2/alerts", resolved.encode(), Map.of("Content-Type", "application/json")).status());
        waitFor(() -> Sql.count(db, "SELECT count(*) FROM incidents WHERE status = 'resolved' AND alertname = 'HostOutOfMemory'") == 3,
            "3 resolved incidents");
        assertEquals(1, Sql.count(db, "SELECT count(*) FROM incidents WHERE status = 'firing'"));
        assertEquals(3, Sql.count(db, "SELECT count(*) FROM incidents WHERE ends_at = ? AND resolved_by = 'alertmanager'",
            java.sql.Timestamp.from(end)));
        assertEquals(4, Sql.count(db, "SELECT count(*) FROM incidents"), "resolution closes, never duplicates");
      }
    }
  }

  private static JsonObject amAlert(String name, String instance, String severity, Instant start, Instant end) {
    return new JsonObject()
        .put("labels", new JsonObject().put("alertname", name).put("instance", instance).put("severity", severity).put("job", "node"))
        .put("annotations", new JsonObject().put("summary", name + " on " + instance))
        .put("startsAt", start.toString())
        .put("endsAt", end.toString())
        .put("generatorURL", "http://prometheus:9090/graph");
  }

  private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("timed out waiting for: " + what);
  }
}
