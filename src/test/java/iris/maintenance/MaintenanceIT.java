package iris.maintenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * Maintenance windows on a whole Iris (all roles, a Teams receiver): bad input is a 400 naming
 * the field and creates nothing; an alert from a host under an active window is stored and
 * suppressed with the window named; when the window ends, what still fires reaches its
 * maintainer once, marked, and what resolved meanwhile stays quiet; the notices are Adaptive
 * Cards of the right shape.
 */
class MaintenanceIT {
  private static FakeTeams teams;
  private static TestIris iris;
  private static String db;

  @BeforeAll
  static void start() throws Exception {
    teams = new FakeTeams();
    iris = TestIris.start(Map.of("IRIS_PIPELINE_POLL_MS", "200", "IRIS_NOTIFY_RETRY_BASE_SECONDS", "1"));
    db = iris.env.get("IRIS_DB_URL");
    created("/api/v1/maintainers", new JsonObject().put("name", "alice").put("teams_webhook_url", teams.webhookUrl("alice")));
    created("/api/v1/services", new JsonObject().put("name", "billing").put("maintainers", new JsonArray().add("alice")));
    created("/api/v1/hosts", new JsonObject().put("hostname", "db7").put("services", new JsonArray().add("billing")));
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

  private static void assertProblem(Http.Response r, int status, String field, String mentions) {
    assertEquals(status, r.status(), r.body());
    JsonObject problem = r.json();
    assertEquals(field, problem.getString("field"), r.body());
    assertTrue(problem.getString("message").contains(mentions), r.body());
  }

  private static JsonObject alert(String fingerprint, String alertname, Instant startsAt, boolean resolved) {
    JsonObject a = resolved ? Payloads.resolved(fingerprint, alertname, "db7:9100", startsAt, startsAt.plusSeconds(60))
        : Payloads.firing(fingerprint, alertname, "db7:9100", startsAt);
    a.getJsonObject("labels").put("service", "billing");
    return a;
  }

  private static Map<String, Object> incident(String fingerprint) {
    return Sql.rows(db, "SELECT id, status, pipeline_state, pipeline_reason FROM incidents WHERE fingerprint = ?", fingerprint).get(0);
  }

  private static List<FakeTeams.Post> cards(String text) {
    return teams.posts().stream().filter(p -> p.raw().contains(text)).toList();
  }

  @Test
  void badInputIsRefusedNamingTheFieldAndCreatesNothing() {
    long before = Sql.count(db, "SELECT count(*) FROM maintenance_windows");
    JsonObject good = new JsonObject().put("title", "Patch").put("scope", new JsonObject().put("hosts", new JsonArray().add("db7")))
        .put("starts_at", Instant.now().plusSeconds(3600).toString()).put("ends_at", Instant.now().plusSeconds(7200).toString());
    assertProblem(iris.api("POST", "/api/v1/maintenance-windows",
        good.copy().put("scope", new JsonObject().put("hosts", new JsonArray().add("db7").add("bd7"))).encode()), 400, "scope.hosts", "bd7");
    assertProblem(iris.api("POST", "/api/v1/maintenance-windows",
        good.copy().put("scope", new JsonObject().put("services", new JsonArray().add("biling"))).encode()), 400, "scope.services", "biling");
    assertProblem(iris.api("POST", "/api/v1/maintenance-windows", good.copy().put("scope", new JsonObject().put("matchers",
        new JsonArray().add(new JsonObject().put("label", "enviroment").put("op", "=").put("value", "prod")))).encode()),
        400, "scope.matchers", "enviroment");
    assertProblem(iris.api("POST", "/api/v1/maintenance-windows", good.copy().put("ends_at", Instant.now().toString()).encode()),
        400, "ends_at", "after starts_at");
    assertProblem(iris.api("POST", "/api/v1/maintenance-windows", good.copy().put("timezone", "Africa/Akkra").encode()),
        400, "timezone", "Africa/Akkra");
    assertProblem(iris.api("POST", "/api/v1/maintenance-windows", good.copy().put("recurrence", "FREQ=WEEKLY;BYDAY=SUN").encode()),
        400, "recurrence", "RRULE");
    assertEquals(before, Sql.count(db, "SELECT count(*) FROM maintenance_windows"), "nothing half-created");
    assertProblem(iris.api("POST", "/api/v1/maintenance-windows/999999/extend", "{\"by\":\"PT30M\"}"), 404, null, "not found");
  }

  @Test
  void anAlertUnderAnActiveWindowIsMutedAndAfterItsEndReachesItsMaintainerOnce() throws Exception {
    JsonObject window = created("/api/v1/maintenance-windows", new JsonObject().put("title", "Kernel upgrade")
        .put("type", "emergency").put("category", "infrastructure")
        .put("scope", new JsonObject().put("hosts", new JsonArray().add("db7")))
        .put("ends_at", Instant.now().plusSeconds(7200).toString()));
    long id = window.getLong("id");
    assertEquals("active", window.getString("state"));
    String reason = "maintenance window " + id + ": \"Kernel upgrade\"";

    Instant t = Instant.now().minusSeconds(30);
    assertEquals(200, iris.webhook(Payloads.webhook("{}:{service=\"billing\"}/kernel",
        alert("fp-mw-1", "HostDown", t, false), alert("fp-mw-2", "HostOutOfMemory", t, false)).encode()).status());
    Knowledge.await("both muted", 30_000, () -> List.of("fp-mw-1", "fp-mw-2").stream()
        .allMatch(fp -> "suppressed".equals(incident(fp).get("pipeline_state"))));
    assertEquals(reason, incident("fp-mw-1").get("pipeline_reason"));
    JsonObject shown = iris.api("GET", "/api/v1/incidents/" + incident("fp-mw-1").get("id"), null).json();
    assertEquals(reason, shown.getString("pipeline_reason"), shown.encode());

    // the maintainer hears that the window started, not of the alerts
    Knowledge.await("the start notice", 30_000, () -> !cards("Maintenance started: Kernel upgrade").isEmpty());
    assertEquals(List.of(), cards("Maintenance started: Kernel upgrade").get(0).shapeProblems());
    assertTrue(teams.posts().stream().allMatch(p -> p.path().contains("alice")));

    // one of them resolves during the window: nobody hears of it
    assertEquals(200, iris.webhook(Payloads.webhook("{}:{service=\"billing\"}/kernel",
        alert("fp-mw-2", "HostOutOfMemory", t, true)).encode()).status());
    Knowledge.await("the resolution settled", 30_000, () -> "resolved".equals(incident("fp-mw-2").get("status"))
        && "suppressed".equals(incident("fp-mw-2").get("pipeline_state")));

    Http.Response ended = iris.api("POST", "/api/v1/maintenance-windows/" + id + "/end", "{\"reason\":\"kernel rolled out\"}");
    assertEquals(200, ended.status(), ended.body());
    assertEquals("completed", ended.json().getString("state"));

    Knowledge.await("the still-firing card", 30_000, () -> !cards("Still firing after maintenance").isEmpty());
    Knowledge.await("notified", 30_000, () -> "notified".equals(incident("fp-mw-1").get("pipeline_state")));
    Knowledge.await("the summary", 30_000, () -> !cards("Maintenance ended: Kernel upgrade").isEmpty());
    Thread.sleep(1500); // a second card would come with the next pass of the pipeline (200 ms) or the job
    List<FakeTeams.Post> again = cards("Still firing after maintenance");
    assertEquals(1, again.size(), "one card for what still fires");
    assertTrue(again.get(0).raw().contains("HostDown") && !again.get(0).raw().contains("HostOutOfMemory"), again.get(0).raw());
    assertTrue(again.get(0).raw().contains("Kernel upgrade"), "it names the window");
    assertEquals(List.of(), again.get(0).shapeProblems());
    String summary = cards("Maintenance ended: Kernel upgrade").get(0).raw();
    assertTrue(summary.contains("HostDown") && summary.contains("HostOutOfMemory") && summary.contains("Resolved during the window"),
        summary);
    assertEquals(List.of(), cards("Maintenance ended: Kernel upgrade").get(0).shapeProblems());
    assertEquals("suppressed", incident("fp-mw-2").get("pipeline_state"));

    JsonObject read = iris.api("GET", "/api/v1/maintenance-windows/" + id, null).json();
    assertEquals(2, read.getJsonArray("muted_incidents").size(), read.encode());
    JsonArray history = read.getJsonArray("history");
    assertEquals("summary", history.getJsonObject(history.size() - 1).getString("action"), "the summary is recorded after the end");
    assertEquals("template", history.getJsonObject(history.size() - 1).getJsonObject("detail").getString("generated_by"));
    JsonObject last = history.getJsonObject(history.size() - 2);
    assertEquals("ended", last.getString("action"));
    assertEquals("kernel rolled out", last.getString("reason"));
    assertEquals(read.getString("created_by"), last.getString("by"));
    assertProblem(iris.api("POST", "/api/v1/maintenance-windows/" + id + "/extend", "{\"by\":\"PT30M\"}"), 409, "state", "completed");
    JsonObject listed = iris.api("GET", "/api/v1/maintenance-windows?state=completed&host=db7", null).json();
    assertTrue(listed.getJsonArray("items").stream().anyMatch(w -> ((JsonObject) w).getLong("id") == id), listed.encode());
  }
}
