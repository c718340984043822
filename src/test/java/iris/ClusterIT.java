package iris;

import static org.junit.jupiter.api.Assertions.assertEquals;

import iris.testing.Payloads;
import iris.testing.Ports;
import iris.testing.Sql;
import iris.testing.TestIris;
import iris.testing.TestPostgres;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two Iris nodes with --cluster on loopback share one event bus: an incident taken in by the
 * API node is announced on {@code iris.incident.changed} and enriched on the worker node.
 */
class ClusterIT {

  @Test
  void aChangeAnnouncedOnOneNodeIsHandledOnTheOther() throws Exception {
    String db = TestPostgres.newDatabase();
    int portA = Ports.free();
    int portB = Ports.free();
    String members = "127.0.0.1:" + portA + ",127.0.0.1:" + portB;
    Map<String, String> common = Map.of("IRIS_DB_URL", db, "IRIS_CLUSTER_ENABLED", "on", "IRIS_CLUSTER_MEMBERS", members,
        "IRIS_ENROLL_SECRET_KEY", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
    try (TestIris api = TestIris.start(merge(common, Map.of("IRIS_CLUSTER_PORT", Integer.toString(portA), "IRIS_ROLES", "ingest")));
         TestIris worker = TestIris.start(merge(common, Map.of("IRIS_CLUSTER_PORT", Integer.toString(portB), "IRIS_ROLES", "enrich,schedule")))) {
      assertEquals(200, api.webhook(Payloads.webhook("g-cluster",
          Payloads.firing("fp-cluster-1", "HostDown", "h:9100", Instant.now().minusSeconds(10))).encode()).status());
      // only the worker node runs enrichment: the incident moves on only if the change crossed the cluster
      long deadline = System.currentTimeMillis() + 30_000;
      String state = null;
      while (System.currentTimeMillis() < deadline && !"enriched".equals(state)) {
        Thread.sleep(50);
        state = (String) Sql.rows(db, "SELECT pipeline_state FROM incidents WHERE fingerprint = 'fp-cluster-1'").get(0).get("pipeline_state");
      }
      assertEquals("enriched", state);
    }
  }

  private static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
    java.util.HashMap<String, String> m = new java.util.HashMap<>(a);
    m.putAll(b);
    return m;
  }
}
