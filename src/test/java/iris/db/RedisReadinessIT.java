package iris.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import iris.testing.Http;
import iris.testing.TestIris;
import iris.testing.TestRedis;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With IRIS_REDIS_URL, readiness checks Redis and says so when it is gone. */
class RedisReadinessIT {

  @Test
  void readinessFollowsRedis() throws Exception {
    TestRedis redis = TestRedis.start();
    try (TestIris iris = TestIris.start(Map.of("IRIS_REDIS_URL", redis.url()))) {
      Http.Response up = iris.http.get("/health/ready", Map.of());
      assertEquals(200, up.status(), up.body());
      assertEquals("redis", check(up.json(), "shared-state").getJsonObject("data").getString("kind"));
      redis.close();
      Http.Response down = iris.http.get("/health/ready", Map.of());
      assertEquals(503, down.status());
      assertEquals("DOWN", check(down.json(), "shared-state").getString("status"));
      assertEquals("UP", check(down.json(), "database").getString("status"));
    } finally {
      redis.close();
    }
  }

  private static JsonObject check(JsonObject health, String id) {
    return health.getJsonArray("checks").stream().map(c -> (JsonObject) c)
        .filter(c -> id.equals(c.getString("id"))).findFirst().orElseThrow();
  }
}
