package iris.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.api.ApiKeyBootstrap;
import iris.testing.Http;
import iris.testing.Sql;
import iris.testing.TestIris;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Maintainers, services, hosts and host tags through the REST API. */
class RegistryApiIT {
  private static TestIris iris;

  @BeforeAll
  static void start() throws Exception {
    iris = TestIris.start(Map.of("IRIS_ROLES", "ingest"));
  }

  @AfterAll
  static void stop() throws Exception {
    iris.close();
  }

  private static JsonObject created(String path, JsonObject body) {
    Http.Response r = iris.api("POST", path, body.encode());
    assertEquals(201, r.status(), r.body());
    return r.json();
  }

  private static void assertProblem(Http.Response r, int status, String field) {
    assertEquals(status, r.status(), r.body());
    if (field != null) {
      assertEquals(field, r.json().getString("field"), r.body());
    }
  }

  @Test
  void maintainersServicesAndHostsLinkByName() {
    JsonObject alice = created("/api/v1/maintainers", new JsonObject().put("name", "alice").put("email", "alice@example.org")
        .put("teams_webhook_url", "https://example.webhook.office.com/workflows/abc?sig=SECRET").put("min_severity", "warning"));
    assertEquals(true, alice.getBoolean("teams_webhook"));
    assertFalse(alice.encode().contains("SECRET"), "the Teams URL is never returned");
    assertEquals(new JsonArray().add("teams").add("email"), alice.getJsonArray("channels"));
    created("/api/v1/maintainers", new JsonObject().put("name", "bob").put("email", "bob@example.org").put("digest_frequency", "weekly"));

    JsonObject billing = created("/api/v1/services", new JsonObject().put("name", "billing").put("description", "invoices")
        .put("maintainers", new JsonArray().add("alice")).put("escalation_manager", "bob"));
    assertEquals(new JsonArray().add("alice"), billing.getJsonArray("maintainers"));
    assertEquals("bob", billing.getString("escalation_manager"));

    JsonObject host = created("/api/v1/hosts", new JsonObject().put("hostname", "db-1.prod.example.org").put("address", "10.0.0.5")
        .put("environment", "prod").put("services", new JsonArray().add("billing")).put("maintainers", new JsonArray().add("bob"))
        .put("labels", new JsonObject().put("rack", "r12")));
    long hostId = host.getLong("id");
    assertEquals(new JsonArray().add("billing"), host.getJsonArray("services"));
    assertEquals(new JsonArray().add("bob"), host.getJsonArray("maintainers"));

    // update replaces links; list filters
    JsonObject change = host.copy().put("maintainers", new JsonArray()).put("os", "debian 12");
    change.remove("id");
    change.remove("created_at");
    change.remove("updated_at");
    Http.Response updated = iris.api("PUT", "/api/v1/hosts/" + hostId, change.encode());
    assertEquals(200, updated.status(), updated.body());
    assertEquals(new JsonArray(), updated.json().getJsonArray("maintainers"));
    assertEquals("debian 12", updated.json().getString("os"));
    assertEquals(1, iris.api("GET", "/api/v1/hosts?service=billing&environment=prod", null).json().getJsonArray("items").size());
    assertEquals(0, iris.api("GET", "/api/v1/hosts?environment=staging", null).json().getJsonArray("items").size());

    // deleting a maintainer unlinks it
    long bob = iris.api("GET", "/api/v1/maintainers", null).json().getJsonArray("items").stream()
        .map(o -> (JsonObject) o).filter(m -> m.getString("name").equals("bob")).findFirst().orElseThrow().getLong("id");
    assertEquals(204, iris.api("DELETE", "/api/v1/maintainers/" + bob, null).status());
    assertNull(iris.api("GET", "/api/v1/services/" + billing.getLong("id"), null).json().getString("escalation_manager"));
    assertEquals(404, iris.api("GET", "/api/v1/maintainers/" + bob, null).status());
  }

  @Test
  void badInputDuplicatesAndMissingRowsAreNamed() {
    assertProblem(iris.api("POST", "/api/v1/maintainers", "{\"email\":\"x@example.org\"}"), 400, "name");
    assertProblem(iris.api("POST", "/api/v1/maintainers", "{\"name\":\"m1\",\"email\":\"not-an-email\"}"), 400, "email");
    assertProblem(iris.api("POST", "/api/v1/maintainers", "{\"name\":\"m1\",\"min_severity\":\"loud\"}"), 400, "min_severity");
    assertProblem(iris.api("POST", "/api/v1/maintainers", "{\"name\":\"m1\",\"channels\":[\"pager\"]}"), 400, "channels");
    assertProblem(iris.api("POST", "/api/v1/maintainers", "{\"name\":\"m1\",\"teams_webhook_url\":\"ftp://x\"}"), 400, "teams_webhook_url");
    created("/api/v1/maintainers", new JsonObject().put("name", "carol"));
    assertProblem(iris.api("POST", "/api/v1/maintainers", "{\"name\":\"carol\"}"), 409, "name");
    assertProblem(iris.api("POST", "/api/v1/services", "{\"name\":\"s1\",\"maintainers\":[\"nobody\",\"carol\"]}"), 400, "maintainers");
    assertTrue(iris.api("POST", "/api/v1/services", "{\"name\":\"s1\",\"maintainers\":[\"nobody\"]}").body().contains("nobody"));
    assertProblem(iris.api("POST", "/api/v1/services", "{\"name\":\"s1\",\"escalation_manager\":\"nobody\"}"), 400, "escalation_manager");
    assertProblem(iris.api("POST", "/api/v1/hosts", "{\"hostname\":\"h1\",\"services\":[\"unknown-svc\"]}"), 400, "services");
    assertProblem(iris.api("POST", "/api/v1/hosts", "{\"hostname\":\"h1\",\"labels\":{\"a\":1}}"), 400, "labels");
    assertProblem(iris.api("POST", "/api/v1/hosts", "{\"hostname\":\"h1\",\"notify\":\"yes\"}"), 400, "notify");
    assertEquals(0, Sql.count(iris.env.get("IRIS_DB_URL"), "SELECT count(*) FROM hosts WHERE hostname = 'h1'"), "a rejected write leaves nothing behind");
    assertProblem(iris.api("GET", "/api/v1/services/999999", null), 404, null);
    assertProblem(iris.api("PUT", "/api/v1/hosts/999999", "{\"hostname\":\"h9\"}"), 404, null);
    assertProblem(iris.api("DELETE", "/api/v1/services/999999", null), 404, null);
    assertEquals(401, iris.http.get("/api/v1/hosts", Map.of()).status());
  }

  @Test
  void readKeysListAndWriteKeysChange() {
    String readKey = iris.api("POST", "/api/v1/api-keys", "{\"name\":\"reader\",\"scope\":\"read\"}").json().getString("key");
    Map<String, String> asReader = Map.of("X-API-Key", readKey, "Content-Type", "application/json");
    assertEquals(200, iris.http.get("/api/v1/services", asReader).status());
    assertEquals(403, iris.http.post("/api/v1/services", "{\"name\":\"nope\"}", asReader).status());
  }

  @Test
  void tagsExpireAtTheirTimeAndKeepWhoAndWhy() throws Exception {
    long hostId = created("/api/v1/hosts", new JsonObject().put("hostname", "web-7")).getLong("id");
    String soon = Instant.now().plusSeconds(2).toString();
    JsonObject maintenance = created("/api/v1/hosts/" + hostId + "/tags", new JsonObject().put("type", "under_maintenance")
        .put("reason", "kernel upgrade").put("expires_at", soon).put("metadata", new JsonObject().put("ticket", "OPS-1")));
    assertEquals(ApiKeyBootstrap.SEEDED_NAME, maintenance.getString("created_by"), "the tag records which key set it");
    JsonObject custom = created("/api/v1/hosts/" + hostId + "/tags", new JsonObject().put("type", "custom").put("name", "pci"));
    assertEquals(2, tags(hostId, false).size());

    Thread.sleep(2500);  // the maintenance tag expires; no job runs in between
    JsonArray active = tags(hostId, false);
    assertEquals(1, active.size());
    assertEquals(custom.getLong("id"), active.getJsonObject(0).getLong("id"));

    assertEquals(204, iris.api("DELETE", "/api/v1/hosts/" + hostId + "/tags/" + custom.getLong("id"), null).status());
    assertEquals(0, tags(hostId, false).size());
    JsonArray history = tags(hostId, true);
    assertEquals(2, history.size());
    JsonObject removed = history.getJsonObject(0);
    assertFalse(removed.getBoolean("active"));
    assertTrue(removed.getString("removed_by") != null && removed.getString("removed_at") != null);
    JsonObject expired = history.getJsonObject(1);
    assertEquals("kernel upgrade", expired.getString("reason"));
    assertEquals("OPS-1", expired.getJsonObject("metadata").getString("ticket"));
    assertFalse(expired.getBoolean("active"));

    assertProblem(iris.api("POST", "/api/v1/hosts/" + hostId + "/tags", "{\"type\":\"sleepy\"}"), 400, "type");
    assertProblem(iris.api("POST", "/api/v1/hosts/" + hostId + "/tags", "{\"type\":\"custom\"}"), 400, "name");
    assertProblem(iris.api("POST", "/api/v1/hosts/" + hostId + "/tags", "{\"type\":\"flaky\",\"expires_at\":\"2001-01-01T00:00:00Z\"}"), 400, "expires_at");
    assertProblem(iris.api("POST", "/api/v1/hosts/" + hostId + "/tags", "{\"type\":\"flaky\",\"expires_at\":\"tomorrow\"}"), 400, "expires_at");
    assertProblem(iris.api("POST", "/api/v1/hosts/999999/tags", "{\"type\":\"flaky\"}"), 404, null);
    assertProblem(iris.api("DELETE", "/api/v1/hosts/" + hostId + "/tags/" + custom.getLong("id"), null), 404, null);
  }

  private static JsonArray tags(long hostId, boolean history) {
    Http.Response r = iris.api("GET", "/api/v1/hosts/" + hostId + "/tags" + (history ? "?history=true" : ""), null);
    assertEquals(200, r.status(), r.body());
    return r.json().getJsonArray("items");
  }

  @Test
  void anAlertsOwnersComeFromOverridesServicesLabelsAndEscalation() throws Exception {
    created("/api/v1/maintainers", new JsonObject().put("name", "dave").put("email", "dave@example.org").put("min_severity", "critical"));
    created("/api/v1/maintainers", new JsonObject().put("name", "erin").put("email", "erin@example.org"));
    created("/api/v1/services", new JsonObject().put("name", "payments").put("maintainers", new JsonArray().add("dave"))
        .put("escalation_manager", "erin"));
    long pay1 = created("/api/v1/hosts", new JsonObject().put("hostname", "pay-1.prod.example.org")
        .put("services", new JsonArray().add("payments"))).getLong("id");
    created("/api/v1/hosts", new JsonObject().put("hostname", "pay-2").put("address", "10.9.9.2")
        .put("services", new JsonArray().add("payments")).put("maintainers", new JsonArray().add("erin")));
    created("/api/v1/hosts/" + pay1 + "/tags", new JsonObject().put("type", "known_issue").put("reason", "ticket 42"));
    OwnershipStore owners = new OwnershipStore(iris.app.components().pool());

    Ownership byShortName = await(owners.owners("pay-1:9100", java.util.List.of()));
    assertEquals(pay1, byShortName.hostId());
    assertEquals(java.util.List.of("payments"), byShortName.services());
    assertEquals(java.util.List.of("dave"), byShortName.maintainers().stream().map(Ownership.Contact::name).toList());
    assertEquals("critical", byShortName.maintainers().get(0).minSeverity());
    assertEquals(java.util.List.of("erin"), byShortName.escalation().stream().map(Ownership.Contact::name).toList());
    assertEquals("ticket 42", byShortName.tags().get(0).reason());

    Ownership byAddress = await(owners.owners("10.9.9.2:9100", java.util.List.of()));
    assertEquals(java.util.List.of("erin"), byAddress.maintainers().stream().map(Ownership.Contact::name).toList(), "the host's own maintainers win");

    Ownership byLabel = await(owners.owners("unregistered:9100", java.util.List.of("nope", "payments")));
    assertNull(byLabel.hostId());
    assertEquals(java.util.List.of("payments"), byLabel.services(), "the first label naming a known service");
    assertEquals(java.util.List.of("dave"), byLabel.maintainers().stream().map(Ownership.Contact::name).toList());

    Ownership nobody = await(owners.owners("unregistered:9100", java.util.List.of("nope")));
    assertTrue(nobody.maintainers().isEmpty() && nobody.services().isEmpty() && nobody.notifyEnabled());
  }

  private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
  }

  @Test
  void theHostPartOfAnInstance() {
    assertEquals("db-1", HostStore.hostPart("db-1:9100"));
    assertEquals("10.0.0.5", HostStore.hostPart("10.0.0.5:9100"));
    assertEquals("2001:db8::1", HostStore.hostPart("[2001:db8::1]:9100"));
    assertEquals("2001:db8::1", HostStore.hostPart("2001:db8::1"));
    assertEquals("web.example.org", HostStore.hostPart("https://web.example.org/healthz"));
    assertNull(HostStore.hostPart(" "));
  }
}
