package iris.notify;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import iris.db.LocalSharedState;
import iris.db.SharedState;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The send key: what it remembers, and that a shared state that fails or hangs counts as "not known". */
class DedupTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  /** A hung command would outlast this wait (its timer runs 60 s): the timeout is what ends it. */
  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  /** A shared state whose every command fails, or never answers. */
  private SharedState broken(boolean hang) {
    return new SharedState() {
      private <T> Future<T> answer() {
        return hang ? vertx.timer(60_000).map(x -> (T) null) : Future.failedFuture("connection refused");
      }

      public Future<Boolean> setIfAbsent(String key, String value, Duration ttl) {
        return answer();
      }

      public Future<Void> set(String key, String value, Duration ttl) {
        return answer();
      }

      public Future<String> get(String key) {
        return answer();
      }

      public Future<Void> delete(String key) {
        return answer();
      }

      public Future<Long> increment(String key, Duration ttl) {
        return answer();
      }

      public Future<Void> ping() {
        return answer();
      }

      public String kind() {
        return "broken";
      }

      public Future<Void> close() {
        return Future.succeededFuture();
      }
    };
  }

  @Test
  void aMarkedSendIsKnownAndAnUnmarkedOneIsNot() throws Exception {
    Dedup dedup = new Dedup(new LocalSharedState(Clock.systemUTC()), Duration.ofSeconds(1));
    assertFalse(await(dedup.sentBefore("group:1:firing:teams:alice:1")));
    await(dedup.markSent("group:1:firing:teams:alice:1"));
    assertTrue(await(dedup.sentBefore("group:1:firing:teams:alice:1")));
    assertFalse(await(dedup.sentBefore("group:1:firing:teams:alice:2")), "another revision is another message");
  }

  @Test
  void aFailingOrHungSharedStateCountsAsNotKnownWithinTheTimeout() throws Exception {
    for (boolean hang : new boolean[] {false, true}) {
      Dedup dedup = new Dedup(broken(hang), Duration.ofMillis(200));
      assertFalse(await(dedup.sentBefore("k")), hang ? "hung" : "failing");
      await(dedup.markSent("k")); // never fails the send that just went out
    }
  }
}
