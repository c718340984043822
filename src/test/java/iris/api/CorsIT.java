package iris.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iris.testing.Http;
import iris.testing.TestIris;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** CORS per environment: none by default, exact origins when configured, preflights answered before authentication. */
class CorsIT {
  private static final String PORTAL = "https://portal.example.com";

  @Test
  void noCorsHeadersUnlessOriginsAreConfigured() throws Exception {
    try (TestIris iris = TestIris.start()) {
      Http.Response r = iris.http.get("/api/v1/incidents", Map.of("X-API-Key", TestIris.ADMIN_KEY, "Origin", PORTAL));
      assertEquals(200, r.status(), r.body());
      assertNull(r.header("Access-Control-Allow-Origin"), "production default: a browser on another origin gets nothing");
    }
  }

  @Test
  void allowedOriginsGetPreflightsAndHeadersOthersAreRefused() throws Exception {
    try (TestIris iris = TestIris.start(Map.of("IRIS_HTTP_CORS_ALLOWED_ORIGINS", PORTAL + ", http://grafana.internal:3000",
        "IRIS_HTTP_CORS_MAX_AGE_SECONDS", "900"))) {
      // The browser's preflight carries no API key and still gets its answer.
      Http.Response preflight = iris.http.send("OPTIONS", "/api/v1/incidents", null, Map.of("Origin", PORTAL,
          "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "x-api-key, content-type"));
      assertTrue(preflight.status() == 200 || preflight.status() == 204, preflight.status() + " " + preflight.body());
      assertEquals(PORTAL, preflight.header("Access-Control-Allow-Origin"));
      assertEquals("900", preflight.header("Access-Control-Max-Age"));
      String allowedHeaders = preflight.header("Access-Control-Allow-Headers").toLowerCase();
      assertTrue(allowedHeaders.contains("x-api-key") && allowedHeaders.contains("content-type"), allowedHeaders);
      assertTrue(preflight.header("Access-Control-Allow-Methods").contains("POST"), preflight.header("Access-Control-Allow-Methods"));
      assertNull(preflight.header("Access-Control-Allow-Credentials"), "credentials stay off");

      Http.Response allowed = iris.http.get("/api/v1/incidents", Map.of("X-API-Key", TestIris.ADMIN_KEY,
          "Origin", "http://grafana.internal:3000"));
      assertEquals(200, allowed.status(), allowed.body());
      assertEquals("http://grafana.internal:3000", allowed.header("Access-Control-Allow-Origin"));

      // Exact match only: a look-alike suffix, another scheme or port gets no CORS answer.
      for (String other : new String[] {"https://portal.example.com.evil.test", "http://portal.example.com", "https://evil.test"}) {
        Http.Response refused = iris.http.get("/api/v1/incidents", Map.of("X-API-Key", TestIris.ADMIN_KEY, "Origin", other));
        assertEquals(403, refused.status(), other + ": " + refused.body());
        assertNull(refused.header("Access-Control-Allow-Origin"), other);
      }
      // Clients that are not browsers send no Origin: untouched.
      assertEquals(200, iris.http.get("/api/v1/incidents", Map.of("X-API-Key", TestIris.ADMIN_KEY)).status());
      // An allowed origin still needs a key.
      assertEquals(401, iris.http.get("/api/v1/incidents", Map.of("Origin", PORTAL)).status());
    }
  }
}
