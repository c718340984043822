package iris.enroll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import iris.testing.Http;
import iris.testing.TestIris;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An operator's Alloy template that never ends is refused, and trying a draft needs write scope. */
class AlloyTemplateLimitsIT {
  private static final String LOOP = "<#list 1.. as i><#if i < 0>never</#if></#list>";

  @Test
  void aLoopingTemplateIsRefusedAndDraftPreviewsNeedWriteScope() throws Exception {
    try (TestIris iris = TestIris.start(Map.of("IRIS_ROLES", "ingest"))) {
      long started = System.nanoTime();
      Http.Response saved = iris.api("PUT", "/api/v1/alloy/templates/node", new JsonObject().put("body", LOOP).encode());
      assertEquals(400, saved.status(), saved.body());
      assertTrue(saved.json().getString("message").contains("longer than"), saved.body());
      assertTrue((System.nanoTime() - started) / 1_000_000 < 10_000, "refused at the render deadline");
      assertEquals(0, iris.api("GET", "/api/v1/alloy/templates/node", null).json().getInteger("version"), "nothing was saved");

      Http.Response flood = iris.api("PUT", "/api/v1/alloy/templates/node",
          new JsonObject().put("body", "<#list 1.. as i>${i} </#list>").encode());
      assertEquals(400, flood.status(), flood.body());
      assertTrue(flood.json().getString("message").contains("more than"), flood.body());

      String readKey = iris.api("POST", "/api/v1/api-keys", new JsonObject().put("name", "viewer").put("scope", "read").encode())
          .json().getString("key");
      Map<String, String> asReader = Map.of("X-API-Key", readKey, "Content-Type", "application/json");
      Http.Response draft = iris.http.post("/api/v1/alloy/templates/node/preview",
          new JsonObject().put("hostname", "web-1").put("body", "// draft").encode(), asReader);
      assertEquals(403, draft.status(), draft.body());
      Http.Response plain = iris.http.post("/api/v1/alloy/templates/node/preview", new JsonObject().put("hostname", "web-1").encode(), asReader);
      assertEquals(200, plain.status(), "previewing the saved templates stays a read: " + plain.body());

      Http.Response loopingDraft = iris.api("POST", "/api/v1/alloy/templates/node/preview",
          new JsonObject().put("hostname", "web-1").put("body", LOOP).encode());
      assertEquals(400, loopingDraft.status(), loopingDraft.body());
      assertEquals(200, iris.api("POST", "/api/v1/alloy/templates/node/preview",
          new JsonObject().put("hostname", "web-1").put("body", "// draft for ${host.hostname}").encode()).status());
    }
  }
}
