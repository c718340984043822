package iris;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.vertx.core.json.JsonObject;
import iris.testing.Payloads;
import iris.testing.Ports;
import iris.testing.TestIris;
import iris.testing.TestPostgres;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two Iris nodes with --cluster on loopback share one event bus: an incident taken in by the
 * API node is announced on {@code iris.incident.changed} and handled on the worker node.
 */
class ClusterIT {

  @Test
  void aChangeAnnouncedOnOneNodeIsHandledOnTheOther() throws Exception {
    String db = TestPostgres.newDatabase();
    int portA = Ports.free();
    int portB = Ports.free();
    String members = "127.0.0.1:" + portA + ",127.0.0.1:" + portB;
    Map<String, String> common = Map.of("IRIS_DB_URL", db, "IRIS_CLUSTER_ENABLED", "on", "IRIS_CLUSTER_MEMBERS", members);
    try (TestIris api = TestIris.start(merge(common, Map.of("IRIS_CLUSTER_PORT", Integer.toString(portA), "IRIS_ROLES", "ingest")));
         TestIris worker = TestIris.start(merge(common, Map.of("IRIS_CLUSTER_PORT", Integer.toString(portB), "IRIS_ROLES", "enrich,schedule")))) {
      CompletableFuture<JsonObject> handled = new CompletableFuture<>();
      worker.app.vertx().eventBus().<JsonObject>consumer(EventAddress.INCIDENT_CHANGED.address(), m -> handled.complete(m.body()))
          .completion().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

      assertEquals(200, api.webhook(Payloads.webhook("g-cluster",
          Payloads.firing("fp-cluster-1", "HostDown", "h:9100", Instant.now().minusSeconds(10))).encode()).status());
      JsonObject change = handled.get(30, TimeUnit.SECONDS);
      assertNotNull(change.getLong("group_id"));
      assertEquals("firing", change.getJsonArray("incidents").getJsonObject(0).getString("status"));
      assertNotNull(change.getJsonArray("incidents").getJsonObject(0).getLong("id"));
    }
  }

  private static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
    java.util.HashMap<String, String> m = new java.util.HashMap<>(a);
    m.putAll(b);
    return m;
  }
}
