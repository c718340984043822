package iris.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * A data directory made before Iris protected its embedded PostgreSQL with a password (trust on
 * loopback) is switched to the generated password at the next start, and stays durable.
 */
class EmbeddedDatabaseIT {

  private static Connection connect(int port, String password) throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", password);
  }

  @Test
  void aClusterThatTrustedLoopbackGetsThePasswordAndKeepsItsData() throws Exception {
    Path dir = Files.createTempDirectory("iris-embedded-upgrade").resolve("postgres");
    try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(false).start();
         Connection c = old.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE kept (v text)");
      st.execute("INSERT INTO kept VALUES ('from before')");
    }
    assertTrue(Files.notExists(EmbeddedDatabase.passwordFile(dir)));

    try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0)) {
      Path file = EmbeddedDatabase.passwordFile(dir);
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
      String password = Files.readString(file).strip();
      assertTrue(URI.create(db.url()).getUserInfo().endsWith(":" + password), "Iris connects with the password");

      SQLException refused = assertThrows(SQLException.class, () -> connect(db.port(), null).close());
      assertTrue(String.valueOf(refused.getMessage()).contains("password"), refused.getMessage());
      try (Connection c = connect(db.port(), password); Statement st = c.createStatement()) {
        try (ResultSet rs = st.executeQuery("SELECT v FROM kept")) {
          assertTrue(rs.next());
          assertEquals("from before", rs.getString(1));
        }
        for (String setting : new String[] {"fsync", "synchronous_commit", "full_page_writes"}) {
          try (ResultSet rs = st.executeQuery("SHOW " + setting)) {
            assertTrue(rs.next());
            assertEquals("on", rs.getString(1), setting);
          }
        }
      }
    }
  }

  @Test
  void aMissingPasswordFileForAProtectedClusterIsAClearError() throws Exception {
    Path dir = Files.createTempDirectory("iris-embedded-lost").resolve("postgres");
    EmbeddedDatabase.start(dir, 0).close();
    Files.delete(EmbeddedDatabase.passwordFile(dir));
    java.io.IOException failure = assertThrows(java.io.IOException.class, () -> EmbeddedDatabase.start(dir, 0).close());
    assertTrue(failure.getMessage().contains("postgres.password"), failure.getMessage());
  }
}
