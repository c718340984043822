package iris.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import iris.IrisConfig;
import iris.db.LocalSharedState;
import iris.db.RedisSharedState;
import iris.db.SharedState;
import iris.incident.Pipeline;
import iris.notify.Outbox.NewMessage;
import iris.registry.OwnershipStore;
import iris.testing.FakeTeams;
import iris.testing.Sql;
import iris.testing.TestPostgres;
import iris.testing.TestRedis;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Outbox sends against PostgreSQL, a real redis-server and a Teams webhook: two nodes racing
 * for one row post one card; a send key that says "sent" (a node that died between sending and
 * recording) is recorded without a second post; a sender whose claim was taken over while it
 * waited for its rate slot does not post; a hung Redis delays sends by its timeout, never stops
 * or doubles them.
 */
class NeverTwiceIT {
  private static TestRedis redis;
  private static Vertx vertx;
  private static Pool pool;
  private static String db;
  private static FakeTeams teams;
  private static RedisSharedState nodeA;
  private static RedisSharedState nodeB;
  private static Outbox outbox;
  private static Pipeline pipeline;

  @BeforeAll
  static void start() throws Exception {
    redis = TestRedis.start();
    teams = new FakeTeams();
    vertx = Vertx.vertx();
    TestPostgres.Migrated database = TestPostgres.migrated(vertx);
    db = database.url();
    pool = database.pool();
    nodeA = new RedisSharedState(vertx, redis.url());
    nodeB = new RedisSharedState(vertx, redis.url());
    outbox = new Outbox(pool);
    pipeline = new Pipeline(pool, new SimpleMeterRegistry());
    Sql.execute(db, "INSERT INTO maintainers (name, teams_webhook_url) VALUES ('alice', '" + teams.webhookUrl("alice") + "')");
  }

  @AfterAll
  static void stop() throws Exception {
    await(nodeA.close());
    await(nodeB.close());
    await(pool.close());
    await(vertx.close());
    teams.close();
    redis.close();
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static Deliver deliver(SharedState shared, int teamsPerSecond) {
    IrisConfig.Notify config = new IrisConfig.Notify("instance", List.of("service"), "", "", Duration.ofMinutes(10), 3,
        Duration.ofSeconds(1), teamsPerSecond, Duration.ofSeconds(5));
    TeamsChannel channel = new TeamsChannel(WebClient.create(vertx), Duration.ofSeconds(5), Clock.systemUTC(), teamsPerSecond);
    return new Deliver(vertx, outbox, pipeline, new OwnershipStore(pool), shared, Map.of("teams", channel), config,
        Clock.systemUTC(), 16, new SimpleMeterRegistry());
  }

  private static long message(String topic) throws Exception {
    Notification n = new Notification(1, "firing", "critical", "HostOutOfMemory on node-1:9100 " + topic, "Memory is low", "",
        List.of(), List.of(new Notification.AlertLine("HostOutOfMemory", "node-1:9100", "critical", Instant.now())), List.of(),
        "template", null);
    return await(pool.withTransaction(conn -> outbox.append(conn,
        List.of(new NewMessage(topic, 1L, List.of(), "firing", "teams", "alice", n))))).get(0);
  }

  private static String state(long id) {
    return (String) Sql.rows(db, "SELECT state FROM deliveries WHERE id = ?", id).get(0).get("state");
  }

  private static long posts(String topic) {
    return teams.posts().stream().filter(p -> p.body().encode().contains(topic)).count();
  }

  /** Waits until the row is settled (sent or failed), at most 15 s. */
  private static void settled(long id) throws Exception {
    long deadline = System.currentTimeMillis() + 15_000;
    while ("queued".equals(state(id)) && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
  }

  @Test
  void twoNodesRacingForOneRowPostOneCard() throws Exception {
    String topic = "group:race-" + System.nanoTime();
    long id = message(topic);
    Deliver a = deliver(nodeA, 4);
    Deliver b = deliver(nodeB, 4);
    await(Future.join(List.of(a.attempt(id), b.attempt(id), a.attempt(id), b.attempt(id))));
    settled(id);
    assertEquals(1, posts(topic));
    assertEquals("sent", state(id));
  }

  @Test
  void aSendKeyThatSaysSentIsRecordedWithoutASecondPost() throws Exception {
    String topic = "group:crashed-" + System.nanoTime();
    long id = message(topic);
    String key = (String) Sql.rows(db, "SELECT send_key FROM deliveries WHERE id = ?", id).get(0).get("send_key");
    await(nodeA.set("send:" + key, "sent", Duration.ofMinutes(5)));
    await(deliver(nodeB, 4).attempt(id));
    settled(id);
    assertEquals(0, posts(topic), "nothing sent twice");
    assertEquals("sent", state(id));
  }

  @Test
  void aSenderWhoseClaimWasTakenOverWhileWaitingForItsRateSlotDoesNotPost() throws Exception {
    String topic = "group:slow-" + System.nanoTime();
    long id = message(topic);
    SharedState local = new LocalSharedState(Clock.systemUTC());
    // Fill this second's budget of alice's webhook, so the first sender must wait for the next.
    String url = teams.webhookUrl("alice");
    String rateKey = "rate:teams:" + iris.Hashes.sha256Hex(url).substring(0, 16) + ":" + (System.currentTimeMillis() / 1000);
    await(local.increment(rateKey, Duration.ofSeconds(2)));
    Deliver first = deliver(local, 1);
    Future<Void> waiting = first.attempt(id);
    long deadline = System.currentTimeMillis() + 5_000;
    while (Sql.count(db, "SELECT count(*) FROM deliveries WHERE id = ? AND attempts = 1", id) == 0
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(5);
    }
    // While it waits, its lease runs out (as under a long pause) and another node takes the row.
    Sql.execute(db, "UPDATE deliveries SET lease_until = now() - interval '1 second' WHERE id = " + id);
    Future<Void> second = deliver(nodeB, 4).attempt(id);
    await(Future.join(waiting, second));
    settled(id);
    assertEquals("sent", state(id));
    assertEquals(1, posts(topic), "the sender that lost its claim must not post");
  }

  @Test
  void aHungRedisDelaysASendByItsTimeoutButNeitherStopsNorDoublesIt() throws Exception {
    List<Socket> accepted = new CopyOnWriteArrayList<>();
    try (ServerSocket hung = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            accepted.add(hung.accept()); // reads nothing, answers nothing
          }
        } catch (Exception closed) {
          // the test is over
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      RedisSharedState silent = new RedisSharedState(vertx, "redis://127.0.0.1:" + hung.getLocalPort());
      String topic = "group:hung-" + System.nanoTime();
      long id = message(topic);
      await(deliver(silent, 4).attempt(id));
      settled(id);
      assertEquals("sent", state(id));
      assertEquals(1, posts(topic));
      assertNotNull(accepted.isEmpty() ? null : accepted.get(0), "Redis was asked");
      silent.close();
    } finally {
      for (Socket s : accepted) {
        s.close();
      }
    }
  }
}
