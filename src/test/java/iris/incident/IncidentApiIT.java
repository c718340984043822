package iris.incident;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.testing.Http;
import iris.testing.Payloads;
import iris.testing.Sql;
import iris.testing.TestIris;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;

/** The incidents REST API and its API-key protection, against stored webhook data. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IncidentApiIT {
  private static TestIris iris;
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  @BeforeAll
  static void start() throws Exception {
    iris = TestIris.start();
    List<JsonObject> alerts = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      JsonObject alert = Payloads.alert("fp-api-" + i, i % 3 == 0 ? "HostOutOfMemory" : "HostHighCpuLoad",
          "node-" + (i % 4) + ":9100", i % 2 == 0 ? "critical" : "warning", "firing", T0.plusSeconds(i * 60L), null);
      if (i == 5) {
        alert.getJsonObject("labels").put("service", "checkout");
      }
      alerts.add(alert);
    }
    assertEquals(200, iris.webhook(Payloads.webhook("g-api", alerts.toArray(new JsonObject[0])).encode()).status());
    assertEquals(200, iris.webhook(Payloads.webhook("g-api", Payloads.alert("fp-api-11", "HostHighCpuLoad",
        "node-3:9100", "warning", "resolved", T0.plusSeconds(660), T0.plusSeconds(900))).encode()).status());
  }

  @AfterAll
  static void stop() throws Exception {
    iris.close();
  }

  private static JsonArray items(String query) {
    Http.Response r = iris.api("GET", "/api/v1/incidents" + query, null);
    assertEquals(200, r.status(), r.body());
    return r.json().getJsonArray("items");
  }

  @Test
  @Order(1)
  void filtersNarrowTheList() {
    assertEquals(12, items("?limit=100").size());
    assertEquals(1, items("?status=resolved").size());
    assertEquals(6, items("?severity=critical").size());
    assertEquals(4, items("?alertname=HostOutOfMemory").size());
    assertEquals(3, items("?instance=node-1:9100").size());
    assertEquals(1, items("?service=checkout").size());
    assertEquals(11, items("?service=node&limit=100").size());
    assertEquals(3, items("?since=2026-03-01T10:09:00Z").size());
    assertEquals(2, items("?until=2026-03-01T10:02:00Z").size());
    assertEquals(2, items("?alertname=HostOutOfMemory&severity=critical").size());
  }

  @Test
  @Order(1)
  void countsBySeverityFollowTheListsFilters() {
    JsonObject firing = iris.api("GET", "/api/v1/incidents/counts?status=firing", null).json();
    assertEquals(new JsonObject().put("critical", 6).put("warning", 5), firing.getJsonObject("by_severity"));
    assertEquals(11, firing.getLong("total"));
    JsonObject memory = iris.api("GET", "/api/v1/incidents/counts?alertname=HostOutOfMemory", null).json();
    assertEquals(4, memory.getLong("total"));
    assertEquals(400, iris.api("GET", "/api/v1/incidents/counts?status=open", null).status());
  }

  @Test
  @Order(2)
  void cursorPagesThroughEverythingOnce() {
    Set<Long> seen = new HashSet<>();
    String cursor = null;
    int pages = 0;
    do {
      Http.Response r = iris.api("GET", "/api/v1/incidents?limit=5" + (cursor == null ? "" : "&cursor=" + cursor), null);
      JsonObject page = r.json();
      page.getJsonArray("items").forEach(i -> assertTrue(seen.add(((JsonObject) i).getLong("id"))));
      cursor = page.getString("next");
      pages++;
    } while (cursor != null);
    assertEquals(12, seen.size());
    assertEquals(3, pages);
  }

  @Test
  void badQueryParametersAre400() {
    for (String q : List.of("?status=burning", "?limit=0", "?limit=abc", "?since=yesterday", "?cursor=%%%")) {
      Http.Response r = iris.api("GET", "/api/v1/incidents" + q.replace("%%%", "bm90LWEtY3Vyc29y"), null);
      assertEquals(400, r.status(), q);
      assertNotNull(r.json().getString("field"), q);
    }
  }

  @Test
  void oneIncidentShowsItsGroupAnd404ForUnknown() {
    long id = items("?alertname=HostOutOfMemory").getJsonObject(0).getLong("id");
    JsonObject incident = iris.api("GET", "/api/v1/incidents/" + id, null).json();
    assertEquals("g-api", incident.getJsonObject("group").getString("group_key"));
    assertEquals("HostOutOfMemory", incident.getJsonObject("labels").getString("alertname"));
    Http.Response missing = iris.api("GET", "/api/v1/incidents/999999", null);
    assertEquals(404, missing.status());
    assertEquals("not_found", missing.json().getString("error"));
    assertEquals(400, iris.api("GET", "/api/v1/incidents/abc", null).status());
  }

  @Test
  void patchRecordsNotesRootCauseAndAcknowledgement() {
    long id = items("?instance=node-2:9100").getJsonObject(0).getLong("id");
    Http.Response r = iris.api("PATCH", "/api/v1/incidents/" + id,
        new JsonObject().put("root_cause", "memory leak in worker").put("acknowledged_by", "alice").encode());
    assertEquals(200, r.status(), r.body());
    assertEquals("memory leak in worker", r.json().getString("root_cause"));
    assertEquals("alice", r.json().getString("acknowledged_by"));
    assertNotNull(r.json().getString("acknowledged_at"));
    r = iris.api("PATCH", "/api/v1/incidents/" + id, new JsonObject().put("resolution_notes", "restarted").encode());
    assertEquals("memory leak in worker", r.json().getString("root_cause"), "unchanged fields are kept");
    assertEquals("restarted", r.json().getString("resolution_notes"));

    Http.Response unknown = iris.api("PATCH", "/api/v1/incidents/" + id, new JsonObject().put("status", "resolved").encode());
    assertEquals(400, unknown.status());
    assertEquals("status", unknown.json().getString("field"));
    assertEquals(400, iris.api("PATCH", "/api/v1/incidents/" + id, "{bad").status());
    assertEquals(400, iris.api("PATCH", "/api/v1/incidents/" + id, new JsonObject().put("root_cause", 5).encode()).status());
    assertEquals(404, iris.api("PATCH", "/api/v1/incidents/999999", new JsonObject().put("root_cause", "x").encode()).status());
  }

  @Test
  void manualResolutionClosesOnceWithANote() {
    long id = items("?instance=node-0:9100&status=firing").getJsonObject(0).getLong("id");
    Http.Response r = iris.api("POST", "/api/v1/incidents/" + id + "/resolve", new JsonObject().put("note", "fixed by hand").encode());
    assertEquals(200, r.status(), r.body());
    assertEquals("resolved", r.json().getString("status"));
    assertEquals("manual", r.json().getString("resolved_by"));
    assertEquals("fixed by hand", r.json().getString("resolution_notes"));
    assertNotNull(r.json().getString("ends_at"));
    assertTrue(java.util.Set.of("received", "enriched").contains(r.json().getString("pipeline_state")),
        "the resolution goes through the pipeline again: " + r.json().getString("pipeline_state"));
    Http.Response again = iris.api("POST", "/api/v1/incidents/" + id + "/resolve", null);
    assertEquals(409, again.status());
    assertEquals(404, iris.api("POST", "/api/v1/incidents/999999/resolve", null).status());
  }

  @Test
  void apiKeysAreRequiredAndScoped() {
    Http.Response none = iris.http.get("/api/v1/incidents", Map.of());
    assertEquals(401, none.status());
    assertEquals("unauthorized", none.json().getString("error"));
    assertEquals(401, iris.http.get("/api/v1/incidents", Map.of("X-API-Key", "wrong")).status());

    Http.Response created = iris.api("POST", "/api/v1/api-keys", new JsonObject().put("name", "grafana").put("scope", "read").encode());
    assertEquals(201, created.status(), created.body());
    String readKey = created.json().getString("key");
    assertEquals(1, Sql.count(iris.env.get("IRIS_DB_URL"), "SELECT count(*) FROM api_keys WHERE name = 'grafana' AND key_hash <> ?", readKey),
        "only a hash is stored");
    assertEquals(200, iris.http.get("/api/v1/incidents", Map.of("X-API-Key", readKey)).status());
    Http.Response forbidden = iris.http.send("PATCH", "/api/v1/incidents/1", "{\"root_cause\":\"x\"}",
        Map.of("X-API-Key", readKey, "Content-Type", "application/json"));
    assertEquals(403, forbidden.status());
    assertEquals("forbidden", forbidden.json().getString("error"));
    assertEquals(403, iris.http.get("/api/v1/api-keys", Map.of("X-API-Key", readKey)).status());
    assertEquals(409, iris.api("POST", "/api/v1/api-keys", new JsonObject().put("name", "grafana").put("scope", "read").encode()).status());
    assertEquals(400, iris.api("POST", "/api/v1/api-keys", new JsonObject().put("name", "x").put("scope", "root").encode()).status());

    JsonArray keys = iris.api("GET", "/api/v1/api-keys", null).json().getJsonArray("items");
    assertFalse(keys.encode().contains(readKey));
    long id = keys.stream().map(k -> (JsonObject) k).filter(k -> k.getString("name").equals("grafana")).findFirst().orElseThrow().getLong("id");
    assertEquals(204, iris.api("DELETE", "/api/v1/api-keys/" + id, null).status());
    assertEquals(401, iris.http.get("/api/v1/incidents", Map.of("X-API-Key", readKey)).status(), "a revoked key stops working");
    assertNull(iris.http.get("/api/v1/nothing-here", Map.of("X-API-Key", TestIris.ADMIN_KEY)).json().getString("field"));
  }
}
