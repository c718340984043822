package iris.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.testing.FakeTeams;
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
 * Debian's real Alertmanager on loopback sends Iris an alert from a host under an active
 * maintenance window: it is muted; once the window ends it reaches the host's maintainer, once.
 */
class MaintenanceE2EIT {

  @Test
  void aRealAlertUnderAWindowIsMutedAndAfterTheWindowReachesItsMaintainerOnce() throws Exception {
    try (FakeTeams teams = new FakeTeams();
         TestIris iris = TestIris.start(Map.of("IRIS_PIPELINE_POLL_MS", "200"))) {
      String db = iris.env.get("IRIS_DB_URL");
      assertEquals(201, iris.api("POST", "/api/v1/maintainers", new JsonObject().put("name", "carol")
          .put("teams_webhook_url", teams.webhookUrl("carol")).encode()).status());
      assertEquals(201, iris.api("POST", "/api/v1/hosts", new JsonObject().put("hostname", "db9")
          .put("maintainers", new JsonArray().add("carol")).encode()).status());
      Http.Response window = iris.api("POST", "/api/v1/maintenance-windows", new JsonObject().put("title", "Storage swap")
          .put("type", "emergency").put("scope", new JsonObject().put("hosts", new JsonArray().add("db9")))
          .put("ends_at", Instant.now().plusSeconds(3600).toString()).encode());
      assertEquals(201, window.status(), window.body());
      long windowId = window.json().getLong("id");

      try (TestAlertmanager am = TestAlertmanager.start(iris.port)) {
        Http amApi = am.api();
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(30);
        JsonArray alerts = new JsonArray().add(new JsonObject()
            .put("labels", new JsonObject().put("alertname", "DiskIoSaturated").put("instance", "db9:9100")
                .put("severity", "critical").put("job", "node"))
            .put("annotations", new JsonObject().put("summary", "Disk I/O saturated on db9"))
            .put("startsAt", start.toString()).put("endsAt", start.plusSeconds(3600).toString()));
        assertEquals(200, amApi.post("/api/v2/alerts", alerts.encode(), Map.of("Content-Type", "application/json")).status());

        waitFor(() -> Sql.count(db, "SELECT count(*) FROM incidents WHERE alertname = 'DiskIoSaturated' AND pipeline_state = 'suppressed' "
            + "AND pipeline_reason = ?", "maintenance window " + windowId + ": \"Storage swap\"") == 1, "the alert muted");
        assertTrue(teams.posts().stream().noneMatch(p -> p.raw().contains("DiskIoSaturated")), "nothing about the alert while muted");

        assertEquals(200, iris.api("POST", "/api/v1/maintenance-windows/" + windowId + "/end", "{\"reason\":\"swapped\"}").status());
        waitFor(() -> teams.posts().stream().anyMatch(p -> p.raw().contains("DiskIoSaturated")), "the alert after the window");
        Thread.sleep(3000); // Alertmanager's group_interval and Iris's passes come round meanwhile
        // the alert's own card, once, and the window's summary that names it
        List<FakeTeams.Post> about = teams.posts().stream().filter(p -> p.raw().contains("DiskIoSaturated")).toList();
        List<FakeTeams.Post> alertCards = about.stream().filter(p -> p.raw().contains("Still firing after maintenance")).toList();
        assertEquals(1, alertCards.size(), "once: " + about.stream().map(FakeTeams.Post::raw).toList());
        assertTrue(alertCards.get(0).path().contains("carol"), alertCards.get(0).path());
        assertEquals(List.of(), alertCards.get(0).shapeProblems());
        assertEquals(1, about.stream().filter(p -> p.raw().contains("Maintenance ended: Storage swap")).count(),
            about.stream().map(FakeTeams.Post::raw).toList().toString());
        assertEquals(2, about.size(), "nothing else names the alert");
      }
    }
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
