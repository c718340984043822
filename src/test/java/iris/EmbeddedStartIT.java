package iris;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iris.api.ApiKeyBootstrap;
import iris.api.WebhookTokenBootstrap;
import iris.testing.Http;
import iris.testing.Payloads;
import iris.testing.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * A newcomer's start: no database URL, no API key, no webhook token. Iris runs its own PostgreSQL 16
 * under the data directory, durable and behind a generated password (0600), writes a generated
 * admin key once and a webhook token (both 0600), and keeps incidents across restarts.
 */
class EmbeddedStartIT {

  private static Connection connect(IrisApp app, String password) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", "postgres");
    if (password != null) {
      props.setProperty("password", password);
    }
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + app.components().dbOptions().getPort() + "/iris", props);
  }

  private static String show(Connection c, String setting) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW " + setting)) {
      assertTrue(rs.next());
      return rs.getString(1);
    }
  }

  /** Every acknowledged alert must survive a power cut: the library's test defaults turn these off. */
  private static void assertDurableAndPasswordProtected(IrisApp app, String password) throws SQLException {
    try (Connection c = connect(app, password)) {
      assertEquals("on", show(c, "fsync"));
      assertEquals("on", show(c, "synchronous_commit"));
      assertEquals("on", show(c, "full_page_writes"));
    }
    SQLException noPassword = assertThrows(SQLException.class, () -> connect(app, null).close());
    assertTrue(String.valueOf(noPassword.getMessage()).contains("password"), noPassword.getMessage());
    SQLException wrong = assertThrows(SQLException.class, () -> connect(app, "not-the-password").close());
    assertEquals("28P01", wrong.getSQLState(), "wrong password is refused: " + wrong.getMessage());
  }

  private static IrisApp start(Path dataDir, int port) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("IRIS_DATA_DIR", dataDir.toString());
    env.put("IRIS_HTTP_PORT", Integer.toString(port));
    env.put("IRIS_HTTP_HOST", "127.0.0.1");
    env.put("IRIS_HTTP_INSTANCES", "1");
    return IrisApp.start(IrisConfig.from(ConfigSource.load(null, env)));
  }

  @Test
  void firstStartMakesAnAdminKeyAndIncidentsSurviveARestart() throws Exception {
    Path dataDir = Files.createTempDirectory("iris-embedded");
    int port = Ports.free();
    Http http = new Http("http://127.0.0.1:" + port);
    Path keyFile = dataDir.resolve(ApiKeyBootstrap.KEY_FILE);
    Path passwordFile = dataDir.resolve("postgres.password");
    String key;
    String password;
    String token;
    try (IrisApp app = start(dataDir, port)) {
      assertTrue(Files.exists(dataDir.resolve("postgres/PG_VERSION")), "embedded PostgreSQL lives under the data dir");
      assertEquals("16", Files.readString(dataDir.resolve("postgres/PG_VERSION")).strip());
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile)));
      password = Files.readString(passwordFile).strip();
      assertTrue(password.matches("[0-9a-f]{64}"), "256 random bits as hex");
      assertDurableAndPasswordProtected(app, password);
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
      key = Files.readString(keyFile).strip();
      assertTrue(key.startsWith("iris_") && key.length() > 40);
      Path tokenFile = dataDir.resolve(WebhookTokenBootstrap.TOKEN_FILE);
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)));
      token = Files.readString(tokenFile).strip();
      assertTrue(token.length() >= 40, token);
      String payload = Payloads.webhook("g-embedded", Payloads.firing("fp-embedded-1", "HostDown", "h:9100",
          Instant.parse("2026-05-01T00:00:00Z"))).encode();
      assertEquals(401, http.post("/webhooks/alertmanager", payload, Map.of("Content-Type", "application/json")).status(),
          "no token configured: a generated one is required");
      Http.Response stored = http.post("/webhooks/alertmanager", payload,
          Map.of("Content-Type", "application/json", "Authorization", "Bearer " + token));
      assertEquals(200, stored.status(), stored.body());
      assertEquals(401, http.get("/api/v1/incidents", Map.of()).status());
    }
    Files.delete(keyFile); // as the operator is told to do after reading it
    try (IrisApp app = start(dataDir, port)) {
      assertEquals(password, Files.readString(passwordFile).strip(), "the password is generated once");
      assertDurableAndPasswordProtected(app, password);
      Http.Response list = http.get("/api/v1/incidents", Map.of("X-API-Key", key));
      assertEquals(200, list.status(), "the generated key still works after a restart");
      assertEquals("fp-embedded-1", list.json().getJsonArray("items").getJsonObject(0).getString("fingerprint"));
      assertFalse(Files.exists(keyFile), "a key exists already: no new one is made or written");
      assertEquals(token, Files.readString(dataDir.resolve(WebhookTokenBootstrap.TOKEN_FILE)).strip(), "the token is kept");
      assertEquals(200, http.post("/webhooks/alertmanager",
          Payloads.webhook("g-embedded", Payloads.firing("fp-embedded-2", "HostDown", "h:9100", Instant.parse("2026-05-01T00:00:00Z"))).encode(),
          Map.of("Content-Type", "application/json", "Authorization", "Bearer " + token)).status(), "the same token after a restart");
    }
  }
}
