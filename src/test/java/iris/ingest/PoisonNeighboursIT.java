package iris.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import iris.testing.Http;
import iris.testing.Payloads;
import iris.testing.Sql;
import iris.testing.TestIris;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad input harms nobody else: while 12 senders deliver good webhooks, 4 send poison (values
 * PostgreSQL cannot store as sent, bytes that are not UTF-8, and payloads a trigger makes the
 * database refuse). Group commit puts them in the same transactions; every good request is still
 * answered 200 and stored, and each poison gets its own verdict.
 */
class PoisonNeighboursIT {
  private static final int GOOD_SENDERS = 12;
  private static final int REQUESTS_PER_SENDER = 15;
  private static final int ALERTS_PER_REQUEST = 4;

  private static TestIris iris;
  private static String db;

  @BeforeAll
  static void start() throws Exception {
    // A wide window and one HTTP instance: concurrent requests surely share transactions.
    iris = TestIris.start(Map.of("IRIS_ROLES", "ingest", "IRIS_HTTP_INSTANCES", "1", "IRIS_WEBHOOK_BATCH_WINDOW_MS", "20"));
    db = iris.env.get("IRIS_DB_URL");
    // Content the intake cannot know is bad: the database refuses it, as a data error (SQLSTATE
    // class 22) or as another error.
    Sql.execute(db, """
        CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.alertname = 'PoisonData' THEN
            RAISE EXCEPTION 'value refused by the test trigger' USING ERRCODE = '22023';
          ELSIF NEW.alertname = 'PoisonOther' THEN
            RAISE EXCEPTION 'row refused by the test trigger' USING ERRCODE = 'P0001';
          END IF;
          RETURN NEW;
        END $$""");
    Sql.execute(db, "CREATE TRIGGER poison BEFORE INSERT OR UPDATE ON incidents FOR EACH ROW EXECUTE FUNCTION poison()");
  }

  @AfterAll
  static void stop() throws Exception {
    iris.close();
  }

  private static final Instant START = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);

  private static String good(int sender, int request) {
    JsonObject[] alerts = new JsonObject[ALERTS_PER_REQUEST];
    for (int a = 0; a < ALERTS_PER_REQUEST; a++) {
      alerts[a] = Payloads.firing("fp-good-" + sender + "-" + request + "-" + a, "GoodAlert", "host-" + a + ":9100", START);
    }
    return Payloads.webhook("g-good-" + sender + "-" + request, alerts).encode();
  }

  /**
   * NUL and lone surrogates in every kind of string (group fields, label names and values,
   * annotations, URLs) and no fingerprint, so Iris computes it from the odd labels.
   */
  private static String unstorableAsSent(int request) {
    String odd = "x\\u0000y\\ud800z";
    return """
        {"version":"4","status":"firing","receiver":"iris%1$s","groupKey":"g-odd-%2$d%1$s","externalURL":"http://am%1$s",
         "groupLabels":{"alertname":"Odd%1$s"},"commonLabels":{"job%1$s":"node%1$s"},"commonAnnotations":{"a":"%1$s"},
         "alerts":[{"status":"firing","labels":{"alertname":"OddAlert","request":"%2$d","instance":"h%1$s:9100","name%1$s":"v%1$s"},
                    "annotations":{"summary":"s%1$s"},"generatorURL":"http://prom%1$s","startsAt":"%3$s","endsAt":"0001-01-01T00:00:00Z"}]}"""
        .formatted(odd, request, START);
  }

  private static byte[] notUtf8(int request) {
    byte[] body = Payloads.webhook("g-bytes-" + request, Payloads.firing("fp-bytes-" + request, "BytesXX", "h:9100", START))
        .encode().getBytes(StandardCharsets.UTF_8);
    String text = new String(body, StandardCharsets.ISO_8859_1);
    int at = text.indexOf("BytesXX") + 5;
    body[at] = (byte) 0xC3; // a lead byte followed by one that cannot continue it
    body[at + 1] = (byte) 0x28;
    return body;
  }

  private static String refusedByTheDatabase(String alertname, int request) {
    return Payloads.webhook("g-" + alertname + "-" + request,
        Payloads.firing("fp-" + alertname + "-" + request, alertname, "h:9100", START)).encode();
  }

  @Test
  void everyGoodRequestIsStoredWhateverItsNeighboursSend() throws Exception {
    double splitsBefore = iris.metric("iris_ingest_batch_split_total");
    ExecutorService senders = Executors.newFixedThreadPool(GOOD_SENDERS + 4);
    List<Future<List<Http.Response>>> good = new ArrayList<>();
    for (int s = 0; s < GOOD_SENDERS; s++) {
      int sender = s;
      good.add(senders.submit(() -> {
        List<Http.Response> answers = new ArrayList<>();
        for (int r = 0; r < REQUESTS_PER_SENDER; r++) {
          answers.add(iris.webhook(good(sender, r)));
        }
        return answers;
      }));
    }
    Future<List<Http.Response>> odd = senders.submit(() -> sendEach(r -> iris.webhook(unstorableAsSent(r))));
    Future<List<Http.Response>> bytes = senders.submit(() -> sendEach(r -> iris.webhookBytes(notUtf8(r))));
    Future<List<Http.Response>> dataError = senders.submit(() -> sendEach(r -> iris.webhook(refusedByTheDatabase("PoisonData", r))));
    Future<List<Http.Response>> otherError = senders.submit(() -> sendEach(r -> iris.webhook(refusedByTheDatabase("PoisonOther", r))));

    for (int s = 0; s < GOOD_SENDERS; s++) {
      for (Http.Response answer : good.get(s).get(120, TimeUnit.SECONDS)) {
        assertEquals(200, answer.status(), "a good request must not fail with its neighbours: " + answer.body());
      }
    }
    senders.shutdown();
    assertEquals(GOOD_SENDERS * REQUESTS_PER_SENDER * ALERTS_PER_REQUEST,
        Sql.count(db, "SELECT count(*) FROM incidents WHERE fingerprint LIKE 'fp-good-%'"), "every good alert answered 200 is stored");

    for (Http.Response answer : odd.get(60, TimeUnit.SECONDS)) {
      assertEquals(200, answer.status(), "NUL and lone surrogates are stored cleaned: " + answer.body());
    }
    for (Http.Response answer : bytes.get(60, TimeUnit.SECONDS)) {
      assertEquals(400, answer.status(), answer.body());
      assertEquals("body", answer.json().getString("field"));
    }
    for (Http.Response answer : dataError.get(60, TimeUnit.SECONDS)) {
      assertEquals(400, answer.status(), "a data error (SQLSTATE 22) fails only its own request, as 400: " + answer.body());
      assertEquals("22023", answer.json().getString("sqlstate"));
      assertTrue(answer.json().getString("message").contains("value refused by the test trigger"), answer.body());
    }
    for (Http.Response answer : otherError.get(60, TimeUnit.SECONDS)) {
      assertEquals(503, answer.status(), "another database error fails only its own request, as 503: " + answer.body());
      assertEquals("database_error", answer.json().getString("error"));
      assertNotNull(answer.header("Retry-After"));
    }

    assertEquals(REQUESTS_PER_SENDER, Sql.count(db, "SELECT count(*) FROM incidents WHERE alertname = 'OddAlert'"));
    assertEquals(0, Sql.count(db, "SELECT count(*) FROM incidents WHERE alertname LIKE 'Poison%' OR alertname LIKE 'Bytes%'"));
    Map<String, Object> stored = Sql.rows(db, """
        SELECT i.labels::text AS labels, i.annotations::text AS annotations, i.instance, i.fingerprint, i.generator_url,
               g.receiver, g.group_key, g.external_url, g.group_labels::text AS group_labels, g.common_labels::text AS common_labels
        FROM incidents i JOIN alert_groups g ON g.id = i.group_id
        WHERE i.alertname = 'OddAlert' AND i.labels->>'request' = '0'""").get(0);
    String clean = "x\ufffdy\ufffdz";
    assertEquals("h" + clean + ":9100", stored.get("instance"));
    assertEquals("iris" + clean, stored.get("receiver"));
    assertEquals("g-odd-0" + clean, stored.get("group_key"));
    assertEquals("http://prom" + clean, stored.get("generator_url"));
    assertTrue(((String) stored.get("labels")).contains("\"name" + clean + "\": \"v" + clean + "\""), (String) stored.get("labels"));
    assertTrue(((String) stored.get("common_labels")).contains("\"job" + clean + "\""), (String) stored.get("common_labels"));
    assertEquals(AlertmanagerPayload.fingerprint(new com.fasterxml.jackson.databind.ObjectMapper().readTree(
            "{\"alertname\":\"OddAlert\",\"request\":\"0\",\"instance\":\"hx\\u0000y\\ud800z:9100\",\"namex\\u0000y\\ud800z\":\"vx\\u0000y\\ud800z\"}")),
        stored.get("fingerprint"), "the fingerprint comes from the labels as sent, NUL included");
    assertFalse(stored.get("fingerprint").equals(AlertmanagerPayload.fingerprint(new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree((String) stored.get("labels")))), "not from the cleaned labels");

    assertTrue(iris.metric("iris_ingest_batch_split_total") > splitsBefore,
        "poison shared transactions with good requests, which were then stored one by one");
    assertTrue(iris.metric("iris_webhook_refused_total{reason=\"rejected\"}") >= REQUESTS_PER_SENDER);
    assertTrue(iris.metric("iris_webhook_refused_total{reason=\"database_error\"}") >= REQUESTS_PER_SENDER);
  }

  private interface Send {
    Http.Response send(int request);
  }

  private static List<Http.Response> sendEach(Send send) {
    List<Http.Response> answers = new ArrayList<>();
    for (int r = 0; r < REQUESTS_PER_SENDER; r++) {
      answers.add(send.send(r));
    }
    return answers;
  }
}
