package iris.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.testing.FakeTeams;
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
 * The whole alert path on a default node (all roles, embedded Teams receiver): one message per
 * Alertmanager group whatever its alert names, a group that grows gets a new revision and
 * never changes what was sent, and a resolution follows its firing message even through a
 * Teams outage.
 */
class PipelineIT {
  private static FakeTeams teams;
  private static FakeTeams flaky; // scripted outages stay with this one
  private static TestIris iris;
  private static String db;

  @BeforeAll
  static void start() throws Exception {
    teams = new FakeTeams();
    flaky = new FakeTeams();
    iris = TestIris.start(Map.of("IRIS_NOTIFY_RETRY_BASE_SECONDS", "1", "IRIS_NOTIFY_MAX_ATTEMPTS", "30",
        "IRIS_PIPELINE_POLL_MS", "200"));
    db = iris.env.get("IRIS_DB_URL");
    Knowledge.importRunbooks(iris, "HostOutOfMemory", "HostHighCpuLoad", "HostOutOfDiskSpace");
    post("/api/v1/maintainers", new JsonObject().put("name", "alice").put("teams_webhook_url", teams.webhookUrl("alice")));
    post("/api/v1/services", new JsonObject().put("name", "billing").put("maintainers", new JsonArray().add("alice")));
    post("/api/v1/maintainers", new JsonObject().put("name", "bob").put("teams_webhook_url", flaky.webhookUrl("bob")));
    post("/api/v1/services", new JsonObject().put("name", "payments").put("maintainers", new JsonArray().add("bob")));
  }

  @AfterAll
  static void stop() throws Exception {
    iris.close();
    teams.close();
    flaky.close();
  }

  private static void post(String path, JsonObject body) {
    var r = iris.api("POST", path, body.encode());
    assertEquals(201, r.status(), r.body());
  }

  private static void webhook(String groupKey, JsonObject... alerts) {
    var r = iris.webhook(Payloads.webhook(groupKey, alerts).encode());
    assertEquals(200, r.status(), r.body());
  }

  private static JsonObject alert(String fingerprint, String alertname, String instance, Instant startsAt, boolean resolved) {
    return alert(fingerprint, alertname, instance, startsAt, resolved, "billing");
  }

  private static JsonObject alert(String fingerprint, String alertname, String instance, Instant startsAt, boolean resolved,
      String service) {
    JsonObject a = resolved ? Payloads.resolved(fingerprint, alertname, instance, startsAt, startsAt.plusSeconds(30))
        : Payloads.firing(fingerprint, alertname, instance, startsAt);
    a.getJsonObject("labels").put("service", service);
    return a;
  }

  private static List<FakeTeams.Post> postsAbout(String marker) {
    return teams.posts().stream().filter(p -> p.raw().contains(marker)).toList();
  }

  private static String state(String fingerprint) {
    return (String) Sql.rows(db, "SELECT pipeline_state FROM incidents WHERE fingerprint = ?", fingerprint).get(0).get("pipeline_state");
  }

  @Test
  void aGroupWithThreeAlertNamesIsOneCardCarryingEachNamesEnrichment() throws Exception {
    Instant t = Instant.now().minusSeconds(60);
    webhook("{}:{service=\"billing\"}/three",
        alert("fp-three-1", "HostOutOfMemory", "three-a:9100", t, false),
        alert("fp-three-2", "HostHighCpuLoad", "three-b:9100", t, false),
        alert("fp-three-3", "HostOutOfDiskSpace", "three-c:9100", t, false));
    Knowledge.await("notified", 30_000, () -> List.of("fp-three-1", "fp-three-2", "fp-three-3").stream()
        .allMatch(fp -> "notified".equals(state(fp))));
    List<FakeTeams.Post> cards = postsAbout("three-a:9100");
    assertEquals(1, cards.size(), "one card for the group");
    String card = cards.get(0).raw();
    for (String name : List.of("HostOutOfMemory", "HostHighCpuLoad", "HostOutOfDiskSpace")) {
      assertTrue(card.contains(name), name + " in the card");
    }
    assertEquals(List.of(), cards.get(0).shapeProblems());
    // each alert name's own enrichment is in it: three enrichments, one card
    assertEquals(3, Sql.count(db, "SELECT count(DISTINCT enrichment_id) FROM incidents WHERE fingerprint LIKE 'fp-three-%'"));
    assertEquals(1, Sql.count(db, "SELECT count(*) FROM deliveries WHERE topic = (SELECT 'group:' || group_id FROM incidents "
        + "WHERE fingerprint = 'fp-three-1') AND kind = 'firing'"));

    // a repeat of the same webhook (an HA peer) changes nothing already sent
    webhook("{}:{service=\"billing\"}/three",
        alert("fp-three-1", "HostOutOfMemory", "three-a:9100", t, false),
        alert("fp-three-2", "HostHighCpuLoad", "three-b:9100", t, false),
        alert("fp-three-3", "HostOutOfDiskSpace", "three-c:9100", t, false));
    Thread.sleep(1500);
    assertEquals(1, postsAbout("three-a:9100").size());

    // the group grows: its new alert gets the next revision, the first message is untouched
    webhook("{}:{service=\"billing\"}/three", alert("fp-three-4", "HostOutOfMemory", "three-d:9100", t, false));
    Knowledge.await("the new alert notified", 30_000, () -> "notified".equals(state("fp-three-4")));
    assertEquals(List.of(1, 2), Sql.rows(db, "SELECT revision FROM deliveries WHERE topic = (SELECT 'group:' || group_id FROM incidents "
        + "WHERE fingerprint = 'fp-three-1') AND kind = 'firing' ORDER BY revision").stream().map(r -> r.get("revision")).toList());
  }

  @Test
  void whoeverGotTheFiringCardGetsTheResolvedOne() throws Exception {
    Instant t = Instant.now().minusSeconds(60);
    webhook("{}:{service=\"billing\"}/res", alert("fp-res-1", "HostOutOfMemory", "res-a:9100", t, false));
    Knowledge.await("firing card", 30_000, () -> postsAbout("res-a:9100").size() == 1);
    webhook("{}:{service=\"billing\"}/res", alert("fp-res-1", "HostOutOfMemory", "res-a:9100", t, true));
    try {
      Knowledge.await("resolved card", 30_000, () -> postsAbout("res-a:9100").size() == 2);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + ": " + Sql.rows(db, "SELECT id, status, pipeline_state, pipeline_reason FROM incidents "
          + "WHERE fingerprint = 'fp-res-1'") + " " + Sql.rows(db, "SELECT id, kind, state, incident_ids, last_error FROM deliveries "
          + "WHERE payload::text LIKE '%res-a:9100%'"));
    }
    assertTrue(postsAbout("res-a:9100").get(1).raw().contains("Resolved"));
    Knowledge.await("notified", 10_000, () -> "notified".equals(state("fp-res-1")));
  }

  @Test
  void aGroupThatResolvesDuringATeamsOutageNeverLeavesAFiringCardAlone() throws Exception {
    flaky.answer(6, 503, "{\"error\":\"Service Unavailable\"}");
    Instant t = Instant.now().minusSeconds(60);
    webhook("{}:{service=\"billing\"}/outage", alert("fp-out-1", "HostHighCpuLoad", "outage-a:9100", t, false, "payments"));
    Knowledge.await("a failed attempt", 30_000, () -> Sql.count(db,
        "SELECT count(*) FROM deliveries WHERE payload::text LIKE '%outage-a:9100%' AND attempts >= 1 AND last_error IS NOT NULL") == 1);
    webhook("{}:{service=\"billing\"}/outage", alert("fp-out-1", "HostHighCpuLoad", "outage-a:9100", t, true, "payments"));
    Knowledge.await("the resolution settled", 60_000, () -> {
      String s = state("fp-out-1");
      return "suppressed".equals(s) || "notified".equals(s);
    });
    Thread.sleep(3000); // Teams is back by now: anything still queued would have gone out
    // What Teams accepted (the 503s are posts too): the rows say which messages went out.
    long firing = Sql.count(db, "SELECT count(*) FROM deliveries WHERE payload::text LIKE '%outage-a:9100%' AND kind = 'firing' AND state = 'sent'");
    long resolved = Sql.count(db, "SELECT count(*) FROM deliveries WHERE payload::text LIKE '%outage-a:9100%' AND kind = 'resolved' AND state = 'sent'");
    assertTrue((firing == 0 && resolved == 0) || (firing == 1 && resolved == 1),
        "either nobody hears of it, or the firing card is followed by the resolved one: " + firing + " firing, " + resolved + " resolved");
    assertEquals(0, Sql.count(db, "SELECT count(*) FROM deliveries WHERE payload::text LIKE '%outage-a:9100%' AND state = 'queued'"));
  }
}
