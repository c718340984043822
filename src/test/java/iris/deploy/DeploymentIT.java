package iris.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.testing.FakeTeams;
import iris.testing.Http;
import iris.testing.Knowledge;
import iris.testing.Payloads;
import iris.testing.Sql;
import iris.testing.TestIris;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Deployments on a whole Iris: bad input is refused by field; semantic versions give upgrade,
 * rollback and the bump; the service's maintainer gets one card per deployment; a deployment
 * can open a window over its hosts that mutes their alerts and ends when it succeeds, or turns
 * into a notice when it fails.
 */
class DeploymentIT {
  private static FakeTeams teams;
  private static TestIris iris;
  private static String db;

  @BeforeAll
  static void start() throws Exception {
    teams = new FakeTeams();
    iris = TestIris.start(Map.of("IRIS_PIPELINE_POLL_MS", "200", "IRIS_NOTIFY_RETRY_BASE_SECONDS", "1"));
    db = iris.env.get("IRIS_DB_URL");
    created("/api/v1/maintainers", new JsonObject().put("name", "bob").put("teams_webhook_url", teams.webhookUrl("bob")));
    created("/api/v1/services", new JsonObject().put("name", "api").put("maintainers", new JsonArray().add("bob")));
    created("/api/v1/services", new JsonObject().put("name", "worker").put("maintainers", new JsonArray().add("bob")));
    created("/api/v1/hosts", new JsonObject().put("hostname", "api1").put("services", new JsonArray().add("api")));
    created("/api/v1/hosts", new JsonObject().put("hostname", "wrk1").put("services", new JsonArray().add("worker")));
    created("/api/v1/services", new JsonObject().put("name", "search").put("maintainers", new JsonArray().add("bob")));
    created("/api/v1/hosts", new JsonObject().put("hostname", "srch1").put("services", new JsonArray().add("search")));
  }

  @AfterAll
  static void stop() throws Exception {
    iris.close();
    teams.close();
  }

  private static JsonObject created(String path, JsonObject body) {
    Http.Response r = iris.api("POST", path, body.encode());
    assertEquals(201, r.status(), r.body());
    return r.json();
  }

  private static JsonObject deployment(String service, String version) {
    return new JsonObject().put("service", service).put("environment", "prod").put("version", version)
        .put("hosts", new JsonArray().add(service.equals("api") ? "api1" : "wrk1")).put("deployed_by", "ci");
  }

  private static List<FakeTeams.Post> cards(String text) {
    return teams.posts().stream().filter(p -> p.raw().contains(text)).toList();
  }

  @Test
  void badInputIsRefusedByFieldAndRecordsNothing() {
    long before = Sql.count(db, "SELECT count(*) FROM deployments");
    Http.Response unknownService = iris.api("POST", "/api/v1/deployments", deployment("apl", "1.0.0").put("hosts", new JsonArray()).encode());
    assertEquals(400, unknownService.status(), unknownService.body());
    assertEquals("service", unknownService.json().getString("field"));
    Http.Response unknownHost = iris.api("POST", "/api/v1/deployments", deployment("api", "1.0.0")
        .put("hosts", new JsonArray().add("api9")).encode());
    assertEquals("hosts", unknownHost.json().getString("field"), unknownHost.body());
    Http.Response badStatus = iris.api("POST", "/api/v1/deployments", deployment("api", "1.0.0").put("status", "done").encode());
    assertEquals("status", badStatus.json().getString("field"), badStatus.body());
    assertEquals(before, Sql.count(db, "SELECT count(*) FROM deployments"));
  }

  @Test
  void versionsAreComparedWithThePreviousDeploymentAndTheMaintainerGetsOneCardEach() throws Exception {
    JsonObject first = created("/api/v1/deployments", deployment("worker", "2.3.0").put("status", "succeeded"));
    assertEquals("first", first.getString("change"));
    JsonObject up = created("/api/v1/deployments", deployment("worker", "2.4.0").put("commits", new JsonArray()
        .add(new JsonObject().put("sha", "abc123").put("message", "feat: retry failed jobs").put("author", "kofi"))
        .add(new JsonObject().put("sha", "def456").put("message", "fix: leak in the pool").put("author", "ama"))));
    assertEquals("upgrade", up.getString("change"));
    assertEquals("minor", up.getString("bump"));
    assertEquals("2.3.0", up.getString("previous_version"));
    assertEquals("Features: retry failed jobs. Fixes: leak in the pool.", up.getString("change_summary"));
    JsonObject down = created("/api/v1/deployments", deployment("worker", "2.2.9"));
    assertEquals("rollback", down.getString("change"));

    Knowledge.await("the upgrade's card", 30_000, () -> !cards("2.3.0 → 2.4.0, minor upgrade").isEmpty());
    Knowledge.await("the rollback's card", 30_000, () -> !cards("rollback to 2.2.9").isEmpty());
    Thread.sleep(1000);
    FakeTeams.Post card = cards("2.3.0 → 2.4.0, minor upgrade").get(0);
    assertEquals(1, cards("2.3.0 → 2.4.0, minor upgrade").size(), "one card per deployment");
    assertTrue(card.raw().contains("retry failed jobs") && card.raw().contains("ci"), card.raw());
    assertEquals(List.of(), card.shapeProblems());

    JsonArray trail = iris.api("GET", "/api/v1/deployments?service=worker&environment=prod", null).json().getJsonArray("items");
    assertEquals(List.of("2.2.9", "2.4.0", "2.3.0"), trail.stream().map(o -> ((JsonObject) o).getString("version")).toList());
    Http.Response moved = iris.api("PATCH", "/api/v1/deployments/" + first.getLong("id"), "{\"status\":\"failed\"}");
    assertEquals(409, moved.status(), "a succeeded deployment cannot fail afterwards: " + moved.body());
  }

  @Test
  void aDeploymentBoundWindowMutesItsHostsAndEndsWhenItSucceeds() throws Exception {
    JsonObject d = created("/api/v1/deployments", deployment("api", "3.1.0").put("maintenance", new JsonObject().put("max", "PT30M")));
    Long windowId = d.getLong("window_id");
    assertNotNull(windowId, d.encode());
    JsonObject window = iris.api("GET", "/api/v1/maintenance-windows/" + windowId, null).json();
    assertEquals("active", window.getString("state"));

    Instant t = Instant.now().minusSeconds(20);
    JsonObject alert = Payloads.firing("fp-deploy-1", "HttpErrorsHigh", "api1:8080", t);
    alert.getJsonObject("labels").put("service", "api");
    assertEquals(200, iris.webhook(Payloads.webhook("{}:{service=\"api\"}/deploy", alert).encode()).status());
    Knowledge.await("muted by the deployment's window", 30_000, () -> "suppressed".equals(
        Sql.rows(db, "SELECT pipeline_state FROM incidents WHERE fingerprint = 'fp-deploy-1'").get(0).get("pipeline_state")));

    Http.Response ok = iris.api("PATCH", "/api/v1/deployments/" + d.getLong("id"), "{\"status\":\"succeeded\"}");
    assertEquals(200, ok.status(), ok.body());
    assertEquals("completed", iris.api("GET", "/api/v1/maintenance-windows/" + windowId, null).json().getString("state"));
    Knowledge.await("sent on after the window", 30_000, () -> cards("Still firing after maintenance").stream()
        .anyMatch(p -> p.raw().contains("HttpErrorsHigh")));

    JsonObject failing = created("/api/v1/deployments", deployment("api", "3.2.0").put("maintenance", new JsonObject().put("max", "PT30M")));
    Http.Response failed = iris.api("PATCH", "/api/v1/deployments/" + failing.getLong("id"), "{\"status\":\"failed\"}");
    assertEquals(200, failed.status(), failed.body());
    assertEquals("completed", iris.api("GET", "/api/v1/maintenance-windows/" + failing.getLong("window_id"), null).json()
        .getString("state"));
    Knowledge.await("the failure notice", 30_000, () -> !cards("api 3.2.0 failed to deploy in prod").isEmpty());
    assertEquals(List.of(), cards("api 3.2.0 failed to deploy in prod").get(0).shapeProblems());
    assertNull(created("/api/v1/deployments", deployment("api", "3.2.1")).getLong("window_id"));
  }

  @Test
  void anIncidentShortlyAfterADeploymentCarriesItInItsEnrichmentAndItsMessage() throws Exception {
    created("/api/v1/deployments", new JsonObject().put("service", "search").put("environment", "prod").put("version", "1.0.0")
        .put("status", "succeeded").put("started_at", Instant.now().minusSeconds(86_400).toString()));
    long id = created("/api/v1/deployments", new JsonObject().put("service", "search").put("environment", "prod")
        .put("version", "1.1.0").put("hosts", new JsonArray().add("srch1")).put("deployed_by", "ci")).getLong("id");
    JsonObject alert = Payloads.firing("fp-after-deploy", "HttpLatencyHigh", "srch1:8080", Instant.now().minusSeconds(10));
    assertEquals(200, iris.webhook(Payloads.webhook("{}:{alertname=\"HttpLatencyHigh\"}/after", alert).encode()).status());
    Knowledge.await("the alert's card", 30_000, () -> !cards("srch1:8080").isEmpty());
    String card = cards("srch1:8080").get(0).raw();
    assertTrue(card.contains("Recent deployment: search 1.1.0 deployed 0 min ago by ci, minor upgrade from 1.0.0"), card);
    Object enrichment = Sql.rows(db, "SELECT e.result::text AS r FROM incidents i JOIN enrichments e ON e.id = i.enrichment_id "
        + "WHERE i.fingerprint = 'fp-after-deploy'").get(0).get("r");
    JsonObject deployed = new JsonObject((String) enrichment).getJsonObject("context").getJsonArray("deployments").getJsonObject(0);
    assertEquals(id, deployed.getLong("id"));
    assertTrue(deployed.getString("text").startsWith("search 1.1.0 deployed"), deployed.encode());
  }
}
