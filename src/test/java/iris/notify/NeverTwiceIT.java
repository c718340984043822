package iris.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import iris.IrisConfig;
import iris.db.RedisSharedState;
import iris.notify.NotifyStore.NewDelivery;
import iris.registry.OwnershipStore;
import iris.testing.FakeTeams;
import iris.testing.Sql;
import iris.testing.TestPostgres;
import iris.testing.TestRedis;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two nodes (two deliverers, each with its own Redis connection, one database) racing for the
 * same delivery send one card; a delivery whose send key says "sent" (a node that died between
 * sending and recording) is recorded as sent without sending again.
 */
class NeverTwiceIT {
  private static TestRedis redis;
  private static Vertx vertx;
  private static Pool pool;
  private static String db;
  private static FakeTeams teams;
  private static RedisSharedState nodeA;
  private static RedisSharedState nodeB;
  private static NotifyStore store;

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
    store = new NotifyStore(pool);
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

  private static Deliverer deliverer(RedisSharedState shared) {
    IrisConfig.Notify config = new IrisConfig.Notify("instance", List.of("service"), "", "", Duration.ofMinutes(10), 3,
        Duration.ofSeconds(1), 4, Duration.ofSeconds(5));
    return new Deliverer(vertx, store, new OwnershipStore(pool), shared,
        Map.of("teams", new TeamsChannel(WebClient.create(vertx), Duration.ofSeconds(5))), config);
  }

  private static long delivery(String key) throws Exception {
    Notification n = new Notification(1, "firing", "critical", "HostOutOfMemory on node-1:9100", "Memory is low", "", List.of(),
        List.of(new Notification.AlertLine("HostOutOfMemory", "node-1:9100", "critical", Instant.now())), List.of(), "template", null);
    return await(store.create(List.of(new NewDelivery(1, List.of(1L), "firing", "teams", "alice", key, NotificationJson.of(n))))).get(0);
  }

  @Test
  void twoNodesRacingForOneDeliverySendItOnce() throws Exception {
    long id = delivery("race-" + System.nanoTime());
    int before = teams.posts().size();
    Deliverer a = deliverer(nodeA);
    Deliverer b = deliverer(nodeB);
    await(Future.join(List.of(a.attempt(id), b.attempt(id), a.attempt(id), b.attempt(id))));
    Thread.sleep(300);
    assertEquals(before + 1, teams.posts().size());
    assertEquals("sent", Sql.rows(db, "SELECT state FROM deliveries WHERE id = ?", id).get(0).get("state"));
  }

  @Test
  void aSendKeyThatSaysSentIsNotSentAgain() throws Exception {
    String key = "crashed-" + System.nanoTime();
    long id = delivery(key);
    await(nodeA.set("send:" + key, "sent", Duration.ofMinutes(5)));
    int before = teams.posts().size();
    await(deliverer(nodeB).attempt(id));
    Thread.sleep(300);
    assertEquals(before, teams.posts().size(), "nothing sent twice");
    assertEquals("sent", Sql.rows(db, "SELECT state FROM deliveries WHERE id = ?", id).get(0).get("state"));
  }

  @Test
  void aSecondRowWithTheSameSendKeyIsTheSameRow() throws Exception {
    String key = "dup-" + System.nanoTime();
    long first = delivery(key);
    long second = delivery(key);
    assertEquals(first, second);
    assertEquals(1, Sql.count(db, "SELECT count(*) FROM deliveries WHERE send_key = ?", key));
  }
}
