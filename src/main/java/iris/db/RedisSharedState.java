package iris.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.List;

/**
 * {@link SharedState} on Redis, shared by every node of a cluster. Keys are prefixed "iris:".
 * Every command fails after {@link #COMMAND_TIMEOUT_MS}: a hung Redis slows nothing down for long.
 */
public final class RedisSharedState implements SharedState {
  private static final String PREFIX = "iris:";
  static final long COMMAND_TIMEOUT_MS = 1000;
  private final Redis client;
  private final RedisAPI redis;

  public RedisSharedState(Vertx vertx, String url) {
    this.client = Redis.createClient(vertx, new RedisOptions()
        .setConnectionString(url)
        .setMaxPoolSize(16)
        .setMaxPoolWaiting(1024));
    this.redis = RedisAPI.api(client);
  }

  private static <T> Future<T> bounded(Future<T> command) {
    return command.timeout(COMMAND_TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  private static String ms(Duration ttl) {
    return Long.toString(Math.max(1, ttl.toMillis()));
  }

  @Override
  public Future<Boolean> setIfAbsent(String key, String value, Duration ttl) {
    return bounded(redis.set(List.of(PREFIX + key, value, "NX", "PX", ms(ttl)))).map(r -> r != null);
  }

  @Override
  public Future<Void> set(String key, String value, Duration ttl) {
    return bounded(redis.set(List.of(PREFIX + key, value, "PX", ms(ttl)))).mapEmpty();
  }

  @Override
  public Future<String> get(String key) {
    return bounded(redis.get(PREFIX + key)).map(r -> r == null ? null : r.toString());
  }

  @Override
  public Future<Void> delete(String key) {
    return bounded(redis.del(List.of(PREFIX + key))).mapEmpty();
  }

  @Override
  public Future<Long> increment(String key, Duration ttl) {
    String k = PREFIX + key;
    // INCR then PEXPIRE NX in one round trip: the expiry is set only when the key is new.
    return bounded(client.batch(List.of(
            io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.INCR).arg(k),
            io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.PEXPIRE).arg(k).arg(ms(ttl)).arg("NX"))))
        .map(responses -> responses.get(0).toLong());
  }

  @Override
  public Future<Void> ping() {
    return redis.ping(List.of()).map((Response r) -> null);
  }

  @Override
  public String kind() {
    return "redis";
  }

  @Override
  public Future<Void> close() {
    return client.close();
  }
}
