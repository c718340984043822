package iris.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Authenticates {@code /api/v1} requests by {@code X-API-Key}. Known keys are cached briefly so
 * the database is not asked on every request; a revoked key stops working within that time.
 */
public final class ApiKeyAuth implements Handler<RoutingContext> {
  public static final String PRINCIPAL = "iris.apiKey";

  /** Where keys are kept (the api-keys capability's store), by {@link ApiKey#hash}. */
  public interface Keys {
    /** The active key with this hash, or null. */
    Future<ApiKey> findActive(String keyHash);

    /** Records that the key was used. */
    Future<Void> touch(long id);
  }

  private static final long CACHE_MILLIS = 30_000;
  private static final ApiKey DEVELOPMENT = new ApiKey(0, "auth-off", Scope.ADMIN);

  private record Cached(ApiKey key, long until) {}

  private final Keys store;
  private final boolean enabled;
  private final Clock clock;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  public ApiKeyAuth(Keys store, boolean enabled, Clock clock) {
    this.store = store;
    this.enabled = enabled;
    this.clock = clock;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (!enabled) {
      ctx.put(PRINCIPAL, DEVELOPMENT);
      ctx.next();
      return;
    }
    String key = ctx.request().getHeader("X-API-Key");
    if (key == null || key.isBlank()) {
      ctx.fail(new HttpProblem(401, "unauthorized", "an API key is required in the X-API-Key header", null));
      return;
    }
    String hash = ApiKey.hash(key.strip());
    long now = clock.millis();
    Cached cached = cache.get(hash);
    if (cached != null && cached.until > now) {
      ctx.put(PRINCIPAL, cached.key);
      ctx.next();
      return;
    }
    store.findActive(hash).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(new HttpProblem(503, "unavailable", "cannot check the API key: database unavailable", null));
      } else if (ar.result() == null) {
        ctx.fail(new HttpProblem(401, "unauthorized", "unknown or revoked API key", null));
      } else {
        cache.put(hash, new Cached(ar.result(), now + CACHE_MILLIS));
        store.touch(ar.result().id());
        ctx.put(PRINCIPAL, ar.result());
        ctx.next();
      }
    });
  }

  /** Drops cached keys, so a revocation takes effect at once on this node. */
  public void forgetAll() {
    cache.clear();
  }

  /** A handler that lets the request through only when its key has {@code scope}. */
  /** The name of the API key that made the request (who set a tag, submitted a job), for the record. */
  public static String principalName(RoutingContext ctx) {
    ApiKey key = ctx.get(PRINCIPAL);
    return key == null ? "unknown" : key.name();
  }

  public static Handler<RoutingContext> require(Scope scope) {
    return ctx -> {
      ApiKey key = ctx.get(PRINCIPAL);
      if (key == null || !key.scope().includes(scope)) {
        ctx.fail(new HttpProblem(403, "forbidden",
            "this API key has scope '" + (key == null ? "none" : key.scope().wireName())
                + "'; this request needs '" + scope.wireName() + "'", null));
        return;
      }
      ctx.next();
    };
  }
}
