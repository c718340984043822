package iris.enroll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import iris.http.HttpProblem;
import org.junit.jupiter.api.Test;

class EnrollmentRequestTest {
  private static JsonObject valid() {
    return new JsonObject().put("address", "10.0.0.5").put("username", "deploy").put("environment", "production")
        .put("auth", new JsonObject().put("password", "pw"));
  }

  private static String fieldOf(JsonObject body, String where) {
    HttpProblem problem = assertThrows(HttpProblem.class, () -> EnrollmentRequest.parse(body, where));
    assertEquals(400, problem.status());
    return problem.toJson().getString("field");
  }

  @Test
  void defaultsAndWindowsByPort() {
    EnrollmentRequest linux = EnrollmentRequest.parse(valid(), "");
    assertEquals(22, linux.port());
    assertEquals("auto", linux.os());
    assertEquals("10.0.0.5:22", linux.target());
    EnrollmentRequest windows = EnrollmentRequest.parse(valid().put("port", 5986), "");
    assertTrue(windows.windows());
  }

  @Test
  void eachMistakeNamesItsField() {
    assertEquals("address", fieldOf(valid().put("address", "bad host;rm"), ""));
    assertEquals("rows[4].username", fieldOf(valid().put("username", ""), "rows[4]."));
    assertEquals("auth", fieldOf(valid().put("auth", new JsonObject()), ""));
    assertEquals("auth", fieldOf(valid().put("auth", new JsonObject().put("password", "a").put("private_key_path", "/k")), ""));
    assertEquals("auth.private_key", fieldOf(valid().put("auth", new JsonObject().put("private_key", "not a key")), ""));
    assertEquals("host_key_fingerprint", fieldOf(valid().put("host_key_fingerprint", "SHA256:short"), ""));
    assertEquals("os", fieldOf(valid().put("os", "plan9"), ""));
    assertEquals("port", fieldOf(valid().put("port", 70000), ""));
    assertEquals("labels.job", fieldOf(valid().put("labels", new JsonObject().put("job", "x")), ""));
    assertEquals("labels.__x", fieldOf(valid().put("labels", new JsonObject().put("__x", "x")), ""));
    assertEquals("environment", fieldOf(valid().put("environment", " "), ""));
    assertEquals("auth.password", fieldOf(valid().put("os", "windows").put("auth", new JsonObject()
        .put("private_key_path", "/k")), ""));
  }

  @Test
  void storedFormKeepsNoSecretAndRebuildsTheRequest() {
    EnrollmentRequest request = EnrollmentRequest.parse(valid().put("trust_on_first_use", true), "");
    JsonObject stored = request.toJson();
    assertFalse(stored.encode().contains("pw"), stored.encode());
    assertEquals("password", stored.getString("auth_kind"));
    EnrollmentRequest again = EnrollmentRequest.fromStored(stored, request.credential());
    assertEquals(request, again);
  }
}
