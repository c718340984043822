package iris.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import iris.testing.FakeEntraId;
import iris.testing.FakeGraph;
import iris.testing.Knowledge;
import iris.testing.TestIris;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code teams-graph-token} job on a whole Iris whose access tokens live for less than the
 * refresh margin: each run refreshes the grant with no alert in sight, and the run after an
 * admin revoked the account's sessions turns readiness degraded.
 */
class GraphKeepAliveIT {
  private static FakeEntraId login;
  private static FakeGraph graph;
  private static TestIris iris;

  @BeforeAll
  static void start() throws Exception {
    login = new FakeEntraId();
    login.accessTokenSeconds(120); // under the 300 s margin: always due for refresh
    graph = new FakeGraph(login::accountOf);
    iris = TestIris.start(Map.of("IRIS_NOTIFY_GRAPH_TENANT", FakeEntraId.TENANT, "IRIS_NOTIFY_GRAPH_CLIENT_ID", FakeEntraId.CLIENT_ID,
        "IRIS_NOTIFY_GRAPH_LOGIN_URL", login.url(), "IRIS_NOTIFY_GRAPH_API_URL", graph.url()));
  }

  @AfterAll
  static void stop() throws Exception {
    iris.close();
    graph.close();
    login.close();
  }

  private static JsonObject graphCheck() {
    return iris.http.get("/health/ready", Map.of()).json().getJsonArray("checks").stream().map(c -> (JsonObject) c)
        .filter(c -> "teams-graph".equals(c.getString("id"))).findFirst().orElseThrow().getJsonObject("data");
  }

  /** Runs the job now and waits for its outcome. */
  private static String runJob() throws Exception {
    var started = iris.api("POST", "/api/v1/jobs/" + NotifyCapability.GRAPH_TOKEN_JOB + "/run", null);
    assertEquals(202, started.status(), started.body());
    long id = started.json().getLong("id");
    String[] outcome = new String[1];
    Knowledge.await("the run ends", 10_000, () -> iris.api("GET", "/api/v1/jobs/" + NotifyCapability.GRAPH_TOKEN_JOB + "/runs", null)
        .json().getJsonArray("items").stream().map(r -> (JsonObject) r).filter(r -> r.getLong("id") == id)
        .anyMatch(r -> !"running".equals(outcome[0] = r.getString("outcome"))));
    return outcome[0];
  }

  @Test
  void theJobKeepsTheGrantFreshAndFindsItRevokedBeforeAnAlertNeedsIt() throws Exception {
    assertEquals("ok", runJob(), "nobody signed in yet: nothing to do, nothing failed");

    String code = iris.api("POST", "/api/v1/teams/graph/sign-in", null).json().getString("user_code");
    login.approve(code, "iris-notifier@contoso.example");
    Knowledge.await("signed in", 15_000, () -> !graphCheck().getBoolean("degraded"));

    long before = login.tokenRequests("refresh_token");
    assertEquals("ok", runJob());
    assertTrue(login.tokenRequests("refresh_token") > before, "a token inside the margin is refreshed by the job");
    String expires = graphCheck().getString("access_token_expires_at");
    assertFalse(graphCheck().getBoolean("degraded"), expires);

    login.revokeAll();
    assertEquals("ok", runJob(), "a revoked grant is reported by readiness, not by failed runs");
    JsonObject check = graphCheck();
    assertTrue(check.getBoolean("degraded"), check.encode());
    assertEquals("revoked", check.getString("state"));
    assertTrue(check.getString("reason").contains("a new sign-in is needed"), check.encode());
    assertTrue(graph.posts().isEmpty(), "no alert was needed to find out");
  }
}
