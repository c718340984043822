package iris;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import iris.testing.Http;
import iris.testing.TestIris;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every node is observable whatever its roles: a worker node and a scheduler node serve
 * /health/live, /health/ready and /metrics on their HTTP port, and only those (the webhook and
 * the API are the ingest role's).
 */
class NodeRolesIT {

  @ParameterizedTest
  @ValueSource(strings = {"enrich,notify,enroll", "schedule"})
  void aNodeWithoutTheIngestRoleServesHealthAndMetricsOnly(String roles) throws Exception {
    try (TestIris node = TestIris.start(Map.of("IRIS_ROLES", roles))) {
      assertEquals(200, node.http.get("/health/live", Map.of()).status());
      Http.Response ready = node.http.get("/health/ready", Map.of());
      assertEquals(200, ready.status(), ready.body());
      JsonObject checks = ready.json();
      assertEquals("UP", checks.getString("outcome"), checks.encode());
      Http.Response metrics = node.http.get("/metrics", Map.of());
      assertEquals(200, metrics.status());
      assertTrue(metrics.body().contains("jvm_memory_used_bytes"), "JVM metrics on every node");
      if (roles.contains("schedule")) {
        assertTrue(metrics.body().contains("iris_pipeline_queue_depth"), "the scheduler reports the pipeline's depth");
      } else {
        assertTrue(checks.encode().contains("knowledge"), "enrichment needs the knowledge base: " + checks.encode());
      }
      assertEquals(404, node.webhook("{}").status(), "no webhook without the ingest role");
      assertEquals(404, node.api("GET", "/api/v1/incidents", null).status(), "no API without the ingest role");
      assertFalse(checks.encode().contains("\"status\":\"DOWN\""), checks.encode());
    }
  }
}
