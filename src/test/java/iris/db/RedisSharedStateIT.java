package iris.db;

import io.vertx.core.Vertx;
import iris.testing.TestRedis;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The same contract against a real redis-server started for this test. */
class RedisSharedStateIT extends SharedStateContract {
  private static TestRedis redis;
  private static Vertx vertx;
  private static RedisSharedState state;

  @BeforeAll
  static void start() throws Exception {
    redis = TestRedis.start();
    vertx = Vertx.vertx();
    state = new RedisSharedState(vertx, redis.url());
  }

  @AfterAll
  static void stop() throws Exception {
    await(state.close());
    await(vertx.close());
    redis.close();
  }

  @Override
  protected SharedState state() {
    return state;
  }

  @Override
  protected void advance(Duration d) throws InterruptedException {
    Thread.sleep(d.toMillis());
  }
}
