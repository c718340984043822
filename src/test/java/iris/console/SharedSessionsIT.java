package iris.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.Vertx;
import iris.db.RedisSharedState;
import iris.http.Scope;
import iris.testing.TestRedis;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two nodes on one Redis (Debian's redis-server): a session started on one is known to the other, and ends on both. */
class SharedSessionsIT {
  private static TestRedis redis;
  private static Vertx nodeA;
  private static Vertx nodeB;
  private static RedisSharedState stateA;
  private static RedisSharedState stateB;

  @BeforeAll
  static void start() throws Exception {
    redis = TestRedis.start();
    nodeA = Vertx.vertx();
    nodeB = Vertx.vertx();
    stateA = new RedisSharedState(nodeA, redis.url());
    stateB = new RedisSharedState(nodeB, redis.url());
  }

  @AfterAll
  static void stop() throws Exception {
    stateA.close().await();
    stateB.close().await();
    nodeA.close().await();
    nodeB.close().await();
    redis.close();
  }

  @Test
  void aSessionStartedOnOneNodeServesTheOtherUntilSignOut() throws Exception {
    Sessions a = new Sessions(stateA, Duration.ofHours(1), Clock.systemUTC());
    Sessions b = new Sessions(stateB, Duration.ofHours(1), Clock.systemUTC());
    Sessions.Started started = a.start("ops", Scope.WRITE, "iris_key-of-ops").await(5, TimeUnit.SECONDS);
    ConsoleSession seen = b.find(started.secret()).await(5, TimeUnit.SECONDS);
    assertEquals("ops", seen.keyName());
    assertEquals("iris_key-of-ops", seen.apiKey());
    assertEquals(started.session().csrf(), seen.csrf(), "a form rendered by one node posts to the other");
    b.end(started.secret()).await(5, TimeUnit.SECONDS);
    assertNull(a.find(started.secret()).await(5, TimeUnit.SECONDS), "signed out everywhere");
  }
}
