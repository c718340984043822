package iris.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;
import iris.http.ApiKeyAuth;
import iris.testing.Http;
import iris.testing.Payloads;
import iris.testing.TestIris;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The published contract: a valid OpenAPI 3.1 document, describing exactly the routes the
 * router serves, and the answers of real calls match it.
 */
class OpenApiIT {
  private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");
  private static TestIris iris;
  private static OpenAPIContract contract;

  @BeforeAll
  static void start() throws Exception {
    iris = TestIris.start(Map.of());
    contract = await(OpenAPIContract.from(iris.app.vertx(), forValidator(ApiDocsCapability.document())));
  }

  /**
   * vertx-openapi validates answers of a few media types only (JSON, text, multipart): the
   * document's YAML, CSV and HTML answers are given to it as text/plain. The document itself is
   * checked against the OpenAPI 3.1 schema as it is, below.
   */
  private static JsonObject forValidator(JsonObject document) {
    JsonObject copy = document.copy();
    JsonObject paths = copy.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        Object operation = paths.getJsonObject(path).getValue(method);
        if (!(operation instanceof JsonObject op) || !op.containsKey("responses")) {
          continue;
        }
        for (String status : op.getJsonObject("responses").fieldNames()) {
          JsonObject content = op.getJsonObject("responses").getJsonObject(status).getJsonObject("content");
          if (content == null) {
            continue;
          }
          for (String type : Set.copyOf(content.fieldNames())) {
            if (type.equals("application/yaml") || type.equals("text/csv") || type.equals("text/html")) {
              Object schema = content.remove(type);
              content.put("text/plain", schema);
            }
          }
        }
      }
    }
    return copy;
  }

  /** Whether vertx-openapi finds the document valid against the OpenAPI 3.1 schema (features it lacks aside). */
  private static boolean validAgainstTheSchema(JsonObject document) throws Exception {
    return OpenAPIContract.from(iris.app.vertx(), document).toCompletionStage().toCompletableFuture()
        .handle((c, e) -> e == null || !String.valueOf(e.getMessage()).contains("is invalid")).get(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    iris.close();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void theDocumentIsValidOpenApi31AndABrokenOneIsNot() throws Exception {
    assertEquals("3.1.0", ApiDocsCapability.document().getString("openapi"));
    assertTrue(validAgainstTheSchema(ApiDocsCapability.document()), "the document as served");
    JsonObject broken = ApiDocsCapability.document();
    broken.getJsonObject("paths").getJsonObject("/api/v1/incidents").getJsonObject("get").put("responses", "none");
    assertFalse(validAgainstTheSchema(broken), "the validator refuses a document that breaks the OpenAPI 3.1 schema");
  }

  /** "GET /api/v1/incidents/{id}" for every API operation the router has. */
  private static Set<String> routerOperations() {
    Router router = WebhookVerticle.router(iris.app.vertx(), iris.app.components(), iris.app.capabilities(),
        new ApiKeyAuth(null, false, Clock.systemUTC()));
    Set<String> out = new TreeSet<>();
    for (Route route : router.getRoutes()) {
      String path = route.getPath();
      if (path == null || route.methods() == null || route.methods().isEmpty() || path.endsWith("*")
          || path.startsWith("/api/docs")) {
        continue; // handlers for every request (auth, bodies), and the docs page's own files
      }
      if (!(path.startsWith("/api/") || path.startsWith("/webhooks/") || path.startsWith("/health/") || path.equals("/metrics"))) {
        continue; // console pages are HTML for people, not part of the API
      }
      String templated = path.replaceAll(":([A-Za-z_]+)", "{$1}");
      for (HttpMethod method : route.methods()) {
        out.add(method.name() + " " + templated);
      }
    }
    return out;
  }

  private static Set<String> documentOperations() {
    Set<String> out = new TreeSet<>();
    JsonObject paths = ApiDocsCapability.document().getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String key : paths.getJsonObject(path).fieldNames()) {
        if (METHODS.contains(key)) {
          out.add(key.toUpperCase() + " " + path);
        }
      }
    }
    return out;
  }

  @Test
  void theRoutesAndTheDocumentsOperationsAreTheSameSet() {
    Set<String> routes = routerOperations();
    Set<String> documented = documentOperations();
    assertTrue(routes.size() > 60, "the whole API is mounted: " + routes.size());
    Set<String> undocumented = new TreeSet<>(routes);
    undocumented.removeAll(documented);
    Set<String> unserved = new TreeSet<>(documented);
    unserved.removeAll(routes);
    assertEquals(Set.of(), undocumented, "routes the document does not describe");
    assertEquals(Set.of(), unserved, "operations no route serves");
  }

  @Test
  void theDocumentIsServedWithAKeyAndPublishedForTheDocsPage() {
    Http.Response open = iris.http.get("/api/openapi.json", Map.of());
    assertEquals(200, open.status());
    assertEquals(ApiDocsCapability.document(), open.json());
    assertEquals(401, iris.http.get("/api/v1/openapi.json", Map.of()).status());
    Http.Response keyed = iris.http.get("/api/v1/openapi.json", Map.of("X-API-Key", TestIris.ADMIN_KEY));
    assertEquals(200, keyed.status());
    assertEquals(open.json(), keyed.json());
    Http.Response yaml = iris.http.get("/api/v1/openapi.yaml", Map.of("X-API-Key", TestIris.ADMIN_KEY));
    assertTrue(yaml.body().startsWith("openapi: 3.1.0"), yaml.body().substring(0, 40));

    Http.Response page = iris.http.get("/api/docs", Map.of());
    assertEquals(200, page.status());
    assertTrue(page.body().contains("/api/docs/swagger-ui-bundle.js"), page.body());
    assertFalse(page.body().contains("https://"), "nothing from the internet");
    Http.Response bundle = iris.http.get("/api/docs/swagger-ui-bundle.js", Map.of());
    assertEquals(200, bundle.status());
    assertTrue(bundle.body().length() > 100_000, "swagger-ui from its WebJar");
    assertTrue(iris.http.get("/api/docs/iris-docs.js", Map.of()).body().contains("/api/openapi.json"));
  }

  private static void conforms(String operationId, Http.Response response) throws Exception {
    String type = response.headers().getOrDefault("content-type", java.util.List.of("application/json")).get(0);
    ValidatableResponse answer = response.body().isEmpty()
        ? ValidatableResponse.create(response.status())
        : ValidatableResponse.create(response.status(), Buffer.buffer(response.body()), type.split(";")[0].strip());
    await(ResponseValidator.create(iris.app.vertx(), contract).validate(answer, operationId));
  }

  @Test
  void realAnswersMatchTheirOperations() throws Exception {
    Http.Response webhook = iris.webhook(Payloads.webhook("openapi", Payloads.firing("fp-openapi", "NodeDown", "h1:9100",
        Instant.now().minusSeconds(60))).encode());
    conforms("receiveAlertmanagerWebhook", webhook);
    conforms("receiveAlertmanagerWebhook", iris.webhook("{\"version\":\"3\"}"));
    Http.Response list = iris.api("GET", "/api/v1/incidents?alertname=NodeDown", null);
    conforms("listIncidents", list);
    long id = list.json().getJsonArray("items").getJsonObject(0).getLong("id");
    conforms("getIncident", iris.api("GET", "/api/v1/incidents/" + id, null));
    conforms("getIncident", iris.api("GET", "/api/v1/incidents/999999", null));
    conforms("annotateIncident", iris.api("PATCH", "/api/v1/incidents/" + id, "{\"root_cause\":\"a power cut\"}"));
    conforms("resolveIncident", iris.api("POST", "/api/v1/incidents/" + id + "/resolve", "{\"note\":\"power back\"}"));
    conforms("resolveIncident", iris.api("POST", "/api/v1/incidents/" + id + "/resolve", "{}"));

    Http.Response maintainer = iris.api("POST", "/api/v1/maintainers", "{\"name\":\"openapi-alice\",\"email\":\"a@example.org\"}");
    conforms("createMaintainer", maintainer);
    conforms("getMaintainer", iris.api("GET", "/api/v1/maintainers/" + maintainer.json().getLong("id"), null));
    conforms("listMaintainers", iris.api("GET", "/api/v1/maintainers", null));
    conforms("createMaintainer", iris.api("POST", "/api/v1/maintainers", "{\"name\":\"openapi-alice\"}"));
    conforms("createService", iris.api("POST", "/api/v1/services", "{\"name\":\"openapi-svc\",\"maintainers\":[\"openapi-alice\"]}"));
    Http.Response host = iris.api("POST", "/api/v1/hosts", "{\"hostname\":\"openapi-h1\",\"services\":[\"openapi-svc\"]}");
    conforms("createHost", host);
    conforms("tagHost", iris.api("POST", "/api/v1/hosts/" + host.json().getLong("id") + "/tags",
        "{\"type\":\"flaky\",\"reason\":\"test\"}"));
    conforms("listHostTags", iris.api("GET", "/api/v1/hosts/" + host.json().getLong("id") + "/tags", null));
    conforms("searchKnowledge", iris.api("GET", "/api/v1/knowledge/search?q=disk", null));
    conforms("createApiKey", iris.api("POST", "/api/v1/api-keys", "{\"name\":\"openapi-reader\",\"scope\":\"read\"}"));
    conforms("runJob", iris.api("POST", "/api/v1/jobs/pipeline-depth/run", null));
    conforms("ready", iris.http.get("/health/ready", Map.of()));
    conforms("live", iris.http.get("/health/live", Map.of()));

    // and the check can fail: an answer the operation does not describe, a body of the wrong shape
    Http.Response wrongShape = new Http.Response(200, "{\"status\":\"maybe\",\"alerts\":-1}", Map.of());
    assertTrue(fails(() -> conforms("receiveAlertmanagerWebhook", wrongShape)), "a body against its schema");
    assertTrue(fails(() -> conforms("revokeApiKey", new Http.Response(200, "{}", Map.of()))), "a status not documented");
  }

  private interface Check {
    void run() throws Exception;
  }

  private static boolean fails(Check check) {
    try {
      check.run();
      return false;
    } catch (Exception e) {
      return true;
    }
  }
}
