package iris.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.notify.AdaptiveCard;
import iris.testing.FakeTeams;
import iris.testing.Http;
import iris.testing.Knowledge;
import iris.testing.Payloads;
import iris.testing.Sql;
import iris.testing.TestIris;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The largest outage is the one Alertmanager sends as one group: thousands of alerts in one
 * webhook. Such a group is stored whole and told once per recipient, in a card that lists the
 * first alerts and counts the rest; one over the limit is refused loudly; a group Alertmanager
 * itself truncated says so.
 */
class LargeGroupIT {
  private static final int LIMIT = 12 * 1024 * 1024;
  private static FakeTeams teams;
  private static TestIris iris;
  private static String db;

  @BeforeAll
  static void start() throws Exception {
    teams = new FakeTeams();
    iris = TestIris.start(Map.of(
        "IRIS_WEBHOOK_MAX_BODY_BYTES", Integer.toString(LIMIT),
        "IRIS_NOTIFY_DEFAULT_TEAMS_WEBHOOK_URL", teams.webhookUrl("default"),
        "IRIS_PIPELINE_POLL_MS", "200"));
    db = iris.env.get("IRIS_DB_URL");
  }

  @AfterAll
  static void stop() throws Exception {
    iris.close();
    teams.close();
  }

  /** A datacenter down: {@code hosts} NodeDown alerts (critical) and a DiskFull on each tenth host (warning). */
  private static JsonObject outage(String groupKey, int alerts, int truncated) {
    String dc = groupKey.substring(groupKey.lastIndexOf('/') + 1);
    Instant t = Instant.now().minusSeconds(120).truncatedTo(ChronoUnit.SECONDS);
    JsonArray list = new JsonArray();
    for (int i = 0; i < alerts; i++) {
      boolean disk = i % 10 == 9;
      JsonObject a = Payloads.alert(groupKey.hashCode() + "-fp-" + i, disk ? "DiskFull" : "NodeDown",
          dc + "-host-" + i + ":9100", disk ? "warning" : "critical", "firing", t, null);
      a.getJsonObject("labels").put("datacenter", "dc1").put("rack", "r" + (i / 40));
      a.getJsonObject("annotations").put("description", "Host " + dc + "-host-" + i + " has not answered Prometheus for 2 minutes.");
      list.add(a);
    }
    JsonObject payload = Payloads.webhook(groupKey);
    payload.put("alerts", list).put("truncatedAlerts", truncated)
        .put("groupLabels", new JsonObject().put("datacenter", "dc1"));
    return payload;
  }

  private static long stored(String groupKey) {
    return Sql.count(db, "SELECT count(*) FROM incidents i JOIN alert_groups g ON g.id = i.group_id WHERE g.group_key = '"
        + groupKey.replace("'", "''") + "'");
  }

  private static List<FakeTeams.Post> postsAbout(String marker) {
    return teams.posts().stream().filter(p -> p.raw().contains(marker)).toList();
  }

  @Test
  void aGroupOfTwentyThousandAlertsIsStoredWholeAndToldOnceWithinTheCardLimit() throws Exception {
    String key = "{}:{datacenter=\"dc1\"}/twenty-thousand";
    byte[] body = outage(key, 20_000, 0).encode().getBytes(StandardCharsets.UTF_8);
    assertTrue(body.length > 5 * 1024 * 1024, "larger than the old 5 MiB limit: " + body.length);

    Http.Response response = iris.webhookBytes(body);
    assertEquals(200, response.status(), response.body());
    assertEquals(20_000, response.json().getInteger("alerts"));
    assertEquals(20_000, stored(key), "every alert is stored, after the COMMIT that the 200 waited for");

    Knowledge.await("notified", 120_000, () -> Sql.count(db, "SELECT count(*) FROM incidents WHERE pipeline_state = 'notified'"
        + " AND group_id = (SELECT id FROM alert_groups WHERE group_key = '" + key.replace("'", "''") + "')") == 20_000);
    Knowledge.await("the card is sent", 30_000, () -> !postsAbout("twenty-thousand-host-").isEmpty());
    List<FakeTeams.Post> cards = postsAbout("twenty-thousand-host-");
    assertEquals(1, cards.size(), () -> "one group, one recipient: one card; got "
        + cards.stream().map(c -> c.raw().substring(0, Math.min(600, c.raw().length()))).toList());
    FakeTeams.Post card = cards.get(0);
    assertTrue(card.raw().getBytes(StandardCharsets.UTF_8).length <= AdaptiveCard.MAX_MESSAGE_BYTES,
        "within Teams' limit: " + card.raw().length());
    assertEquals(List.of(), card.shapeProblems());
    String text = card.raw();
    assertTrue(text.contains("20,000 alerts"), "the title counts the whole group");
    assertTrue(text.contains("and 19,980 more; all 20,000 by name: NodeDown (critical) 18,000 · DiskFull (warning) 2,000"),
        "the rest counted by alert name and severity");
    assertEquals(AdaptiveCard.MAX_ALERTS, countOf(text, "since 20"), "the first alerts as lines");
    assertEquals(1, Sql.count(db, "SELECT count(*) FROM deliveries WHERE topic = 'group:' || (SELECT id FROM alert_groups"
        + " WHERE group_key = '" + key.replace("'", "''") + "') AND kind = 'firing'"), "one outbox row");
  }

  @Test
  void aGroupAlertmanagerTruncatedSaysSoInItsCardAndInTheApi() throws Exception {
    String key = "{}:{datacenter=\"dc1\"}/truncated";
    Http.Response response = iris.webhook(outage(key, 30, 4200).encode());
    assertEquals(200, response.status(), response.body());
    Knowledge.await("the card is sent", 60_000, () -> !postsAbout("did not send").isEmpty());
    List<FakeTeams.Post> cards = postsAbout("4,200 more alerts Alertmanager did not send");
    assertEquals(1, cards.size(), "the card says what Alertmanager left out");
    assertTrue(cards.get(0).raw().contains("4,230 alerts"), "the title counts what Alertmanager left out too");

    Object id = Sql.rows(db, "SELECT i.id FROM incidents i JOIN alert_groups g ON g.id = i.group_id WHERE g.group_key = ? LIMIT 1",
        key).get(0).get("id");
    JsonObject incident = iris.api("GET", "/api/v1/incidents/" + id, null).json();
    assertEquals(4200, incident.getJsonObject("group").getInteger("truncated_alerts"));
  }

  @Test
  void aBodyOverTheLimitIs413LoudlyAndHarmsNobodyElse() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(WebhookRoutes.class);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    logger.addAppender(logged);
    double before = iris.metric("iris_webhook_rejected_total{reason=\"too_large\"}");
    try {
      String key = "{}:{datacenter=\"dc2\"}/too-large";
      byte[] body = outage(key, 30_000, 0).encode().getBytes(StandardCharsets.UTF_8);
      assertTrue(body.length > LIMIT && body.length < 2L * LIMIT, "over the limit, within what is read to name it: " + body.length);

      Http.Response refused = iris.webhookBytes(body);
      assertEquals(413, refused.status());
      assertEquals("payload_too_large", refused.json().getString("error"));
      assertTrue(refused.json().getString("message").contains("max_alerts"), refused.body());
      assertEquals(0, stored(key), "nothing of it is stored");
      assertEquals(before + 1, iris.metric("iris_webhook_rejected_total{reason=\"too_large\"}"));

      ILoggingEvent line = logged.list.stream().filter(e -> e.getLevel() == Level.ERROR).findFirst().orElse(null);
      assertNotNull(line, "an ERROR line");
      assertTrue(line.getFormattedMessage().contains("receiver 'iris'") && line.getFormattedMessage().contains(key),
          line.getFormattedMessage());

      JsonObject ready = iris.http.get("/health/ready", Map.of()).json();
      JsonObject check = ready.getJsonArray("checks").stream().map(c -> (JsonObject) c)
          .filter(c -> "webhook-size".equals(c.getString("id"))).findFirst().orElseThrow();
      JsonObject last = check.getJsonObject("data").getJsonObject("last_too_large");
      assertEquals(key, last.getString("group_key"));
      assertEquals(body.length, last.getLong("bytes"));
      assertEquals("UP", ready.getString("status"), "the node still takes alerts");

      // The next request, and the connection's next one, are served as usual.
      Http.Response next = iris.webhook(outage("{}:{datacenter=\"dc2\"}/small", 3, 0).encode());
      assertEquals(200, next.status(), next.body());
    } finally {
      logger.detachAppender(logged);
    }
  }

  private static int countOf(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
