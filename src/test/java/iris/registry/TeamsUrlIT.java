package iris.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import iris.testing.Http;
import iris.testing.TestIris;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Without notify.allow_insecure_urls a maintainer's Teams URL must be https to a public address. */
class TeamsUrlIT {

  @Test
  void aMaintainersTeamsUrlToThisMachineOrAMetadataServiceIsRefused() throws Exception {
    try (TestIris iris = TestIris.start(Map.of("IRIS_NOTIFY_ALLOW_INSECURE_URLS", "off", "IRIS_ROLES", "ingest"))) {
      int n = 0;
      for (String url : new String[] {"http://teams.example.org/hook", "https://127.0.0.1:8443/hook", "https://localhost/hook",
          "https://169.254.169.254/latest/meta-data/", "https://[fe80::1]/hook"}) {
        Http.Response refused = iris.api("POST", "/api/v1/maintainers",
            new JsonObject().put("name", "m" + n++).put("teams_webhook_url", url).encode());
        assertEquals(400, refused.status(), url + ": " + refused.body());
        assertEquals("teams_webhook_url", refused.json().getString("field"), refused.body());
      }
      Http.Response created = iris.api("POST", "/api/v1/maintainers",
          new JsonObject().put("name", "alice").put("teams_webhook_url", "https://example.webhook.office.com/workflows/abc").encode());
      assertEquals(201, created.status(), created.body());
      long id = created.json().getLong("id");
      Http.Response update = iris.api("PUT", "/api/v1/maintainers/" + id,
          new JsonObject().put("name", "alice").put("teams_webhook_url", "https://169.254.169.254/").encode());
      assertEquals(400, update.status(), "an update is checked too: " + update.body());
    }
  }
}
