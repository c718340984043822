package iris.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import iris.testing.Http;
import iris.testing.Payloads;
import iris.testing.Sql;
import iris.testing.TestIris;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Input that will never be accepted is a 4xx with a JSON body naming the problem, never a 500. */
class WebhookValidationIT {
  private static TestIris iris;
  private static String db;

  @BeforeAll
  static void start() throws Exception {
    iris = TestIris.start(Map.of("IRIS_WEBHOOK_MAX_BODY_BYTES", "65536"));
    db = iris.env.get("IRIS_DB_URL");
  }

  @AfterAll
  static void stop() throws Exception {
    iris.close();
  }

  @AfterEach
  void nothingStored() {
    assertEquals(0, Sql.count(db, "SELECT count(*) FROM incidents"), "rejected input must store nothing");
  }

  private static JsonObject valid() {
    return Payloads.webhook("g", Payloads.firing("fp-1", "HostDown", "h:9100", Instant.parse("2026-01-01T00:00:00Z")));
  }

  private static String with(java.util.function.Consumer<JsonObject> change) {
    JsonObject payload = valid();
    change.accept(payload);
    return payload.encode();
  }

  static Stream<Arguments> badBodies() {
    return Stream.of(
        Arguments.of("empty body", "", "body"),
        Arguments.of("malformed JSON", "{\"version\":\"4\",", "body"),
        Arguments.of("not an object", "[1,2]", "body"),
        Arguments.of("trailing garbage", valid().encode() + "}", "body"),
        Arguments.of("missing alerts", with(p -> p.remove("alerts")), "alerts"),
        Arguments.of("alerts not an array", with(p -> p.put("alerts", "none")), "alerts"),
        Arguments.of("version 3", with(p -> p.put("version", "3")), "version"),
        Arguments.of("version missing", with(p -> p.remove("version")), "version"),
        Arguments.of("status unknown", with(p -> p.put("status", "burning")), "status"),
        Arguments.of("alert status wrong type", with(p -> p.getJsonArray("alerts").getJsonObject(0).put("status", 1)), "alerts[0].status"),
        Arguments.of("labels not an object", with(p -> p.getJsonArray("alerts").getJsonObject(0).put("labels", "x")), "alerts[0].labels"),
        Arguments.of("label value not a string", with(p -> p.getJsonArray("alerts").getJsonObject(0).getJsonObject("labels").put("severity", 3)), "alerts[0].labels.severity"),
        Arguments.of("labels missing", with(p -> p.getJsonArray("alerts").getJsonObject(0).remove("labels")), "alerts[0].labels"),
        Arguments.of("startsAt not a time", with(p -> p.getJsonArray("alerts").getJsonObject(0).put("startsAt", "yesterday")), "alerts[0].startsAt"),
        Arguments.of("startsAt missing", with(p -> p.getJsonArray("alerts").getJsonObject(0).remove("startsAt")), "alerts[0].startsAt"),
        Arguments.of("endsAt wrong type", with(p -> p.getJsonArray("alerts").getJsonObject(0).put("endsAt", 5)), "alerts[0].endsAt"),
        Arguments.of("fingerprint wrong type", with(p -> p.getJsonArray("alerts").getJsonObject(0).put("fingerprint", 12)), "alerts[0].fingerprint"),
        Arguments.of("groupKey wrong type", with(p -> p.put("groupKey", 12)), "groupKey"),
        Arguments.of("truncatedAlerts negative", with(p -> p.put("truncatedAlerts", -1)), "truncatedAlerts"),
        Arguments.of("commonLabels wrong type", with(p -> p.put("commonLabels", new io.vertx.core.json.JsonArray())), "commonLabels"),
        Arguments.of("startsAt after the year 9999", with(p -> p.getJsonArray("alerts").getJsonObject(0).put("startsAt", "+10000-01-01T00:00:00Z")), "alerts[0].startsAt"),
        Arguments.of("endsAt beyond PostgreSQL's range", with(p -> p.getJsonArray("alerts").getJsonObject(0).put("endsAt", "+300000-01-01T00:00:00Z")), "alerts[0].endsAt"),
        Arguments.of("groupKey too long for its index", with(p -> p.put("groupKey", "k".repeat(2049))), "groupKey"),
        Arguments.of("receiver too long for its index", with(p -> p.put("receiver", "r".repeat(513))), "receiver"),
        Arguments.of("fingerprint too long for its index", with(p -> p.getJsonArray("alerts").getJsonObject(0).put("fingerprint", "f".repeat(2049))), "alerts[0].fingerprint"),
        Arguments.of("instance too long for its index", with(p -> p.getJsonArray("alerts").getJsonObject(0).getJsonObject("labels").put("instance", "i".repeat(2049))), "alerts[0].labels.instance"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badBodies")
  void badBodyIs400NamingTheField(String name, String body, String field) {
    Http.Response response = iris.webhook(body);
    assertEquals(400, response.status(), response.body());
    JsonObject error = response.json();
    assertEquals("invalid_request", error.getString("error"));
    assertEquals(field, error.getString("field"), error.encode());
    assertTrue(error.getString("message").startsWith(field), error.encode());
  }

  @Test
  void wrongContentTypeIs400() {
    Http.Response response = iris.http.post("/webhooks/alertmanager", valid().encode(),
        Map.of("Content-Type", "text/plain", "Authorization", "Bearer " + TestIris.WEBHOOK_TOKEN));
    assertEquals(400, response.status());
    assertEquals("Content-Type", response.json().getString("field"));
  }

  @Test
  void missingOrWrongTokenIs401() {
    Http.Response missing = iris.http.post("/webhooks/alertmanager", valid().encode(), Map.of("Content-Type", "application/json"));
    assertEquals(401, missing.status());
    assertEquals("unauthorized", missing.json().getString("error"));
    assertTrue(missing.header("WWW-Authenticate").startsWith("Bearer"));
    Http.Response wrong = iris.http.post("/webhooks/alertmanager", valid().encode(),
        Map.of("Content-Type", "application/json", "Authorization", "Bearer nope"));
    assertEquals(401, wrong.status());
    assertEquals("wrong bearer token", wrong.json().getString("message"));
  }

  @Test
  void bodyOverTheLimitIs413() {
    JsonObject payload = valid();
    payload.getJsonArray("alerts").getJsonObject(0).getJsonObject("annotations").put("description", "x".repeat(70_000));
    Http.Response response = iris.webhook(payload.encode());
    assertEquals(413, response.status());
    assertEquals("payload_too_large", response.json().getString("error"));
  }

  @Test
  void unknownFieldsAreIgnored() {
    JsonObject payload = valid().put("notification_reason", "new").put("routeLabels", new JsonObject().put("a", "b"));
    payload.getJsonArray("alerts").getJsonObject(0).put("somethingNew", true);
    Http.Response response = iris.webhook(payload.encode());
    assertEquals(200, response.status(), response.body());
    assertEquals(1, Sql.count(db, "SELECT count(*) FROM incidents"));
    Sql.rows(db, "DELETE FROM incidents RETURNING id");
  }
}
