package iris.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What every {@link SharedState} must do; run against Redis and the local implementation. */
abstract class SharedStateContract {
  protected abstract SharedState state();

  /** Lets time pass for expiry (real sleep for Redis, a clock step for the local one). */
  protected abstract void advance(Duration d) throws Exception;

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static String key() {
    return "test:" + UUID.randomUUID();
  }

  @Test
  void setIfAbsentWinsOnceUntilExpiry() throws Exception {
    String k = key();
    assertTrue(await(state().setIfAbsent(k, "a", Duration.ofMillis(300))));
    assertFalse(await(state().setIfAbsent(k, "b", Duration.ofMillis(300))));
    assertEquals("a", await(state().get(k)));
    advance(Duration.ofMillis(600));
    assertNull(await(state().get(k)));
    assertTrue(await(state().setIfAbsent(k, "c", Duration.ofSeconds(5))));
  }

  @Test
  void incrementCountsWithinTheWindow() throws Exception {
    String k = key();
    assertEquals(1L, await(state().increment(k, Duration.ofMillis(300))));
    assertEquals(2L, await(state().increment(k, Duration.ofMillis(300))));
    assertEquals(3L, await(state().increment(k, Duration.ofMillis(300))));
    advance(Duration.ofMillis(600));
    assertEquals(1L, await(state().increment(k, Duration.ofMillis(300))), "a new window starts after expiry");
  }

  @Test
  void setGetDeleteAndPing() throws Exception {
    String k = key();
    await(state().set(k, "v", Duration.ofSeconds(5)));
    assertEquals("v", await(state().get(k)));
    await(state().delete(k));
    assertNull(await(state().get(k)));
    await(state().ping());
  }
}
