package iris;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigSourceTest {

  @Test
  void defaultsComeFromTheShippedFile() {
    IrisConfig c = IrisConfig.from(ConfigSource.load(null, Map.of()));
    assertEquals(8080, c.http().port());
    assertTrue(c.db().embedded());
    assertTrue(c.auth().enabled());
    assertEquals(5 * 1024 * 1024, c.webhook().maxBodyBytes());
    assertEquals(EnumSet.allOf(Role.class), c.roles());
    assertFalse(c.cluster().enabled());
  }

  @Test
  void fileThenEnvironmentOverride(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path file = dir.resolve("iris.yaml");
    Files.writeString(file, "http:\n  port: 9000\nwebhook:\n  max_body_bytes: 2048\ncluster:\n  members: a:1,b:2\n");
    Path secret = dir.resolve("token");
    Files.writeString(secret, "s3cret\n");
    IrisConfig c = IrisConfig.from(ConfigSource.load(file, Map.of(
        "IRIS_HTTP_PORT", "9100", "IRIS_DB_URL", "postgresql://u:pw@db:5432/iris",
        "IRIS_WEBHOOK_TOKEN_FILE", secret.toString(), "IRIS_AUTH", "off")));
    assertEquals(9100, c.http().port(), "environment beats file");
    assertEquals(2048, c.webhook().maxBodyBytes(), "file beats defaults");
    assertEquals("s3cret", c.webhook().token(), "secrets may come from a _FILE");
    assertFalse(c.auth().enabled());
    assertEquals(List.of("a:1", "b:2"), c.cluster().members());
    assertFalse(c.toString().contains("s3cret"), "secrets never appear in logs");
    assertFalse(c.toString().contains(":pw@"), "database password never appears in logs");
  }

  @Test
  void badValuesNameTheKeyAndItsVariable(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    ConfigException port = assertThrows(ConfigException.class,
        () -> IrisConfig.from(ConfigSource.load(null, Map.of("IRIS_HTTP_PORT", "eighty"))));
    assertTrue(port.getMessage().startsWith("http.port (IRIS_HTTP_PORT)"), port.getMessage());
    ConfigException auth = assertThrows(ConfigException.class,
        () -> IrisConfig.from(ConfigSource.load(null, Map.of("IRIS_AUTH", "maybe"))));
    assertTrue(auth.getMessage().contains("IRIS_AUTH"));
    ConfigException roles = assertThrows(ConfigException.class,
        () -> IrisConfig.from(ConfigSource.load(null, Map.of("IRIS_ROLES", "ingest,cook"))));
    assertTrue(roles.getMessage().contains("cook"));
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "htp:\n  port: 1\n");
    ConfigException unknown = assertThrows(ConfigException.class, () -> ConfigSource.load(file, Map.of()));
    assertEquals("unknown config key htp", unknown.getMessage());
  }

  @Test
  void commandLineSetsClusterAndRoles() {
    IrisConfig c = Iris.applyArguments(IrisConfig.from(ConfigSource.load(null, Map.of())),
        new String[] {"--cluster", "--roles", "ingest,schedule"});
    assertTrue(c.cluster().enabled());
    assertEquals(EnumSet.of(Role.INGEST, Role.SCHEDULE), c.roles());
    assertThrows(ConfigException.class, () -> Iris.applyArguments(c, new String[] {"--bogus"}));
  }
}
