package iris.schedule;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import iris.IrisConfig;
import iris.db.Database;
import iris.testing.TestPostgres;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SchedulerIT {

  @Test
  void onlyOneNodeHoldsTheSchedulerLockAndItPassesOnWhenReleased() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      PgConnectOptions options = Database.connectOptions(TestPostgres.newDatabase(),
          new IrisConfig.Db("", 2, Duration.ofSeconds(2), 0));
      LeaderLock first = new LeaderLock(vertx, options, 42);
      LeaderLock second = new LeaderLock(vertx, options, 42);
      assertTrue(first.tryAcquire().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
      assertFalse(second.tryAcquire().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
      assertTrue(first.tryAcquire().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS), "the leader stays leader");
      first.release().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS); // as when a node dies
      assertTrue(second.tryAcquire().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
      second.release().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
