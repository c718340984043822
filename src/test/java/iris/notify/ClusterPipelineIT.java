package iris.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.testing.FakeTeams;
import iris.testing.Http;
import iris.testing.Payloads;
import iris.testing.Ports;
import iris.testing.Sql;
import iris.testing.TestPostgres;
import iris.testing.TestRedis;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Clustered nodes as separate processes (the built jar, all roles, one PostgreSQL, one Redis)
 * take alert groups alternately: two nodes without any fault, and three of which one is killed
 * with SIGKILL in the middle. Every group a node acknowledged reaches its maintainer as exactly
 * one card.
 */
class ClusterPipelineIT {
  private static final String ADMIN_KEY = "cluster-admin-key";
  private static final String TOKEN = "cluster-webhook-token";
  private static final int GROUPS = 300;

  private record Node(Process process, Http http, Path log) {}

  private static Node start(String db, String redis, String members, int clusterPort, int httpPort) throws Exception {
    Path jar = Path.of("target", "iris.jar");
    assertTrue(Files.exists(jar), "the jar is built before integration tests run");
    Path data = Files.createTempDirectory("iris-node");
    Path log = data.resolve("iris.log");
    ProcessBuilder pb = new ProcessBuilder(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
        "-Xmx384m", "-jar", jar.toString(), "--cluster");
    Map<String, String> env = pb.environment();
    env.put("IRIS_DB_URL", db);
    env.put("IRIS_REDIS_URL", redis);
    env.put("IRIS_HTTP_HOST", "127.0.0.1");
    env.put("IRIS_HTTP_PORT", Integer.toString(httpPort));
    env.put("IRIS_HTTP_INSTANCES", "1");
    env.put("IRIS_DATA_DIR", data.toString());
    env.put("IRIS_API_KEY", ADMIN_KEY);
    env.put("IRIS_WEBHOOK_TOKEN", TOKEN);
    env.put("IRIS_CLUSTER_MEMBERS", members);
    env.put("IRIS_CLUSTER_PORT", Integer.toString(clusterPort));
    env.put("IRIS_ENROLL_SECRET_KEY", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
    env.put("IRIS_PIPELINE_LEASE_SECONDS", "5");
    env.put("IRIS_PIPELINE_POLL_MS", "250");
    env.put("IRIS_NOTIFY_TIMEOUT_MS", "2000");
    env.put("IRIS_NOTIFY_ALLOW_INSECURE_URLS", "on"); // the Teams receiver is plain http on loopback
    // 300 cards to one maintainer: at Teams' own 4 a second that alone takes 75 s
    env.put("IRIS_NOTIFY_TEAMS_RATE_PER_SECOND", "25");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    Node node = new Node(pb.start(), new Http("http://127.0.0.1:" + httpPort), log);
    long deadline = System.currentTimeMillis() + 120_000;
    while (System.currentTimeMillis() < deadline) {
      if (!node.process().isAlive()) {
        throw new AssertionError("node exited: " + Files.readString(log));
      }
      try {
        if (node.http().get("/health/ready", Map.of()).status() == 200) {
          return node;
        }
      } catch (RuntimeException notYet) {
        // still starting
      }
      Thread.sleep(250);
    }
    throw new AssertionError("node not ready in time: " + Files.readString(log));
  }

  private static String webhook(int group) {
    String instance = String.format("grp-%04d.example:9100", group);
    JsonObject alert = Payloads.firing("fp-cluster-" + group, "HostHighCpuLoad", instance, Instant.now().minusSeconds(30));
    alert.getJsonObject("labels").put("service", "billing");
    return Payloads.webhook("{}:{group=\"" + group + "\"}", alert).encode();
  }

  @Test
  void twoNodesWithoutAnyFaultNotifyEveryGroupExactlyOnce() throws Exception {
    run(2, false);
  }

  @Test
  void threeNodesOneKilledMidLoadNotifyEveryAcknowledgedGroupExactlyOnce() throws Exception {
    run(3, true);
  }

  /**
   * A group told twice is the one case Iris documents (docs/PIPELINE.md, "At least once"):
   * Teams took the killed node's post, and the node died before the send key and the row said
   * so; a survivor posts again once the row's lease has run out. Then the first post came just
   * before the kill and the second at least a lease later. Two live nodes posting twice, or a
   * second post before the lease, fails the test.
   */
  private static boolean onTheWireAtTheKill(List<Instant> posts, Instant killedAt) {
    Instant first = posts.get(0);
    Instant second = posts.get(1);
    return !first.isAfter(killedAt) && Duration.between(first, killedAt).toMillis() < 2_000
        && Duration.between(killedAt, second).toSeconds() >= 5;
  }

  /** {@code count} nodes take the groups in turn; with {@code kill}, the last is SIGKILLed half way. */
  private static void run(int count, boolean kill) throws Exception {
    try (TestRedis redis = TestRedis.start(); FakeTeams teams = new FakeTeams()) {
      String db = TestPostgres.newDatabase();
      int[] clusterPorts = new int[count];
      for (int i = 0; i < count; i++) {
        clusterPorts[i] = Ports.free();
      }
      String members = java.util.Arrays.stream(clusterPorts).mapToObj(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
      List<Node> nodes = new ArrayList<>();
      try {
        for (int port : clusterPorts) {
          nodes.add(start(db, redis.url(), members, port, Ports.free()));
        }
        Map<String, String> admin = Map.of("X-API-Key", ADMIN_KEY, "Content-Type", "application/json");
        assertEquals(201, nodes.get(0).http().post("/api/v1/maintainers", new JsonObject().put("name", "alice")
            .put("teams_webhook_url", teams.webhookUrl("alice")).encode(), admin).status());
        assertEquals(201, nodes.get(0).http().post("/api/v1/services", new JsonObject().put("name", "billing")
            .put("maintainers", new JsonArray().add("alice")).encode(), admin).status());

        Map<String, String> hook = Map.of("Authorization", "Bearer " + TOKEN, "Content-Type", "application/json");
        List<Integer> acknowledged = new ArrayList<>();
        Instant killedAt = null;
        for (int g = 0; g < GROUPS; g++) {
          if (kill && g == GROUPS / 2) {
            nodes.get(count - 1).process().destroyForcibly(); // SIGKILL: its claims and leases are left behind
            nodes.get(count - 1).process().waitFor();
            killedAt = Instant.now();
          }
          Node target = nodes.get(g % count);
          try {
            if (target.http().post("/webhooks/alertmanager", webhook(g), hook).status() == 200) {
              acknowledged.add(g);
            }
          } catch (RuntimeException refused) {
            // the killed node: Alertmanager would retry on another
          }
        }
        int expected = kill ? GROUPS - GROUPS / 2 / count - 1 : GROUPS;
        assertTrue(acknowledged.size() >= expected, "the live nodes took their groups: " + acknowledged.size());

        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline && Sql.count(db,
            "SELECT count(*) FROM incidents WHERE pipeline_state IN ('received', 'enriched', 'routed')") > 0) {
          Thread.sleep(250);
        }
        Thread.sleep(2000); // any duplicate send would have happened by now
        Map<Integer, List<Instant>> cards = new TreeMap<>();
        for (FakeTeams.Post post : teams.posts()) {
          java.util.regex.Matcher m = java.util.regex.Pattern.compile("grp-(\\d{4})\\.example").matcher(post.raw());
          if (m.find()) {
            cards.computeIfAbsent(Integer.parseInt(m.group(1)), k -> new ArrayList<>()).add(post.at());
          }
        }
        Map<Integer, Integer> wrong = new HashMap<>();
        for (int g : acknowledged) {
          List<Instant> posts = cards.getOrDefault(g, List.of());
          if (posts.size() == 2 && killedAt != null && onTheWireAtTheKill(posts, killedAt)) {
            continue; // the documented window: posted by the killed node, which died before recording it
          }
          if (posts.size() != 1) {
            wrong.put(g, posts.size());
          }
        }
        assertEquals(Map.of(), wrong, "groups not notified exactly once (group → cards); pipeline states: " + Sql.rows(db,
            "SELECT pipeline_state, count(*) FROM incidents GROUP BY 1") + ", deliveries: " + Sql.rows(db,
            "SELECT state, count(*), max(attempts) FROM deliveries GROUP BY 1"));
        assertEquals(0, Sql.count(db, "SELECT count(*) FROM incidents WHERE pipeline_state <> 'notified'"));
      } finally {
        for (Node node : nodes) {
          node.process().destroyForcibly();
        }
      }
    }
  }
}
