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
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Delivery behaviour: flaky hosts, permanent failure, the per-webhook rate limit, the default channel. */
class DeliveryIT {
  private static FakeTeams teams;
  private static FakeTeams broken;
  private static FakeTeams fallback;
  private static TestIris iris;
  private static String db;

  @BeforeAll
  static void start() throws Exception {
    teams = new FakeTeams();
    broken = new FakeTeams();
    fallback = new FakeTeams();
    iris = TestIris.start(Map.of("IRIS_NOTIFY_RETRY_BASE_SECONDS", "1", "IRIS_NOTIFY_MAX_ATTEMPTS", "2",
        "IRIS_NOTIFY_FLAKY_HOLD_MINUTES", "1",
        "IRIS_NOTIFY_DEFAULT_TEAMS_WEBHOOK_URL", fallback.webhookUrl("ops")));
    db = iris.env.get("IRIS_DB_URL");
    post("/api/v1/maintainers", new JsonObject().put("name", "alice").put("teams_webhook_url", teams.webhookUrl("alice")));
    post("/api/v1/maintainers", new JsonObject().put("name", "carol").put("teams_webhook_url", broken.webhookUrl("carol")));
    post("/api/v1/hosts", new JsonObject().put("hostname", "steady").put("maintainers", new JsonArray().add("alice")));
    post("/api/v1/hosts", new JsonObject().put("hostname", "doomed").put("maintainers", new JsonArray().add("carol")));
    long wobbly = post("/api/v1/hosts", new JsonObject().put("hostname", "wobbly").put("maintainers", new JsonArray().add("alice")))
        .getLong("id");
    post("/api/v1/hosts/" + wobbly + "/tags", new JsonObject().put("type", "flaky").put("reason", "bad NIC"));
  }

  @AfterAll
  static void stop() throws Exception {
    iris.close();
    teams.close();
    broken.close();
    fallback.close();
  }

  private static JsonObject post(String path, JsonObject body) {
    var r = iris.api("POST", path, body.encode());
    assertEquals(201, r.status(), r.body());
    return r.json();
  }

  private static long send(String fingerprint, String instance, Instant startsAt) {
    iris.webhook(Payloads.webhook("{}:{fp=\"" + fingerprint + "\"}", Payloads.firing(fingerprint, "HostHighCpuLoad", instance, startsAt)).encode());
    return ((Number) Sql.rows(db, "SELECT id FROM incidents WHERE fingerprint = ?", fingerprint).get(0).get("id")).longValue();
  }

  private static String state(long id) {
    return (String) Sql.rows(db, "SELECT pipeline_state FROM incidents WHERE id = ?", id).get(0).get("pipeline_state");
  }

  private static long postsTo(FakeTeams server, String fingerprintHost) {
    return server.posts().stream().filter(p -> p.raw().contains(fingerprintHost)).count();
  }

  @Test
  void aFlakyHostsAlertWaitsForTheHoldAndOneThatResolvesEarlyIsDropped() throws Exception {
    // fired 50 s ago with a 60 s hold: held about 10 s, then sent
    long held = send("fp-flaky-1", "wobbly:9100", Instant.now().minusSeconds(50));
    Knowledge.await("held", 10_000, () -> Sql.count(db, "SELECT count(*) FROM incidents WHERE id = ? AND pipeline_due_at > now() AND pipeline_reason LIKE '%flaky%'", held) == 1);
    assertEquals("enriched", state(held));
    assertEquals(0, postsTo(teams, "wobbly:9100"));
    Knowledge.await("sent after the hold", 20_000, () -> "notified".equals(state(held)));
    assertEquals(1, postsTo(teams, "wobbly:9100"));

    // a blip: fires and resolves within the hold
    Instant start = Instant.now();
    long blip = send("fp-flaky-2", "wobbly:9101", start);
    Knowledge.await("held", 10_000, () -> Sql.count(db, "SELECT count(*) FROM incidents WHERE id = ? AND pipeline_due_at > now() AND pipeline_reason LIKE '%flaky%'", blip) == 1);
    iris.webhook(Payloads.webhook("{}:{fp=\"fp-flaky-2\"}", Payloads.resolved("fp-flaky-2", "HostHighCpuLoad", "wobbly:9101",
        start, start.plusSeconds(20))).encode());
    Knowledge.await("dropped", 20_000, () -> "suppressed".equals(state(blip)));
    assertEquals(0, postsTo(teams, "wobbly:9101"));
  }

  @Test
  void aDeliveryThatKeepsFailingEndsFailedAndSaysWhy() throws Exception {
    broken.answer(100, 500, "{\"error\":\"backend down\"}");
    long id = send("fp-doomed", "doomed:9100", Instant.now().minusSeconds(5));
    Knowledge.await("failed", 30_000, () -> "failed".equals(state(id)));
    JsonObject delivery = iris.api("GET", "/api/v1/incidents/" + id, null).json().getJsonArray("deliveries").getJsonObject(0);
    assertEquals("failed", delivery.getString("state"));
    assertEquals(2, delivery.getInteger("attempts"));
    assertTrue(delivery.getString("last_error").contains("500"), delivery.encode());
    assertEquals(2, broken.posts().size());
    assertTrue(!delivery.encode().contains(FakeTeams.SIGNATURE), "the webhook's signature never shows");
  }

  @Test
  void manyMessagesToOneWebhookQueueBehindItsRateLimit() throws Exception {
    long before = postsTo(teams, "steady:");
    long started = System.nanoTime();
    for (int i = 0; i < 10; i++) {
      send("fp-burst-" + i, "steady:" + (9200 + i), Instant.now().minusSeconds(5));
    }
    Knowledge.await("ten cards", 30_000, () -> postsTo(teams, "steady:") == before + 10);
    double seconds = (System.nanoTime() - started) / 1e9;
    assertTrue(seconds >= 1.0, "10 cards at 4 per second cannot all go within a second: " + seconds);
    Knowledge.await("ten rows sent, each at its first attempt (queued, not throttled or dropped)", 10_000, () -> Sql.count(db,
        "SELECT count(*) FROM deliveries WHERE state = 'sent' AND attempts = 1 AND payload->>'title' LIKE '%steady:%'") == 10);
  }

  @Test
  void anAlertNobodyOwnsGoesToTheDefaultChannel() throws Exception {
    long id = send("fp-orphan", "unknown-host:9100", Instant.now().minusSeconds(5));
    Knowledge.await("notified", 30_000, () -> "notified".equals(state(id)));
    assertEquals(1, postsTo(fallback, "unknown-host:9100"));
    assertTrue(fallback.posts().get(0).path().contains("/workflows/ops/"));
  }
}
