package iris.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL 16 run by Iris itself (binaries from Maven), so a newcomer needs no database.
 * The data directory is kept, so incidents survive a restart.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
  public static final String DATABASE = "iris";

  private final EmbeddedPostgres postgres;

  private EmbeddedDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** Blocking: starts the server in {@code directory} (created if missing) and ensures the database. */
  public static EmbeddedDatabase start(Path directory, int port) throws IOException {
    Files.createDirectories(directory.getParent() == null ? directory : directory.getParent());
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
        .setDataDirectory(directory)
        .setCleanDataDirectory(false)
        .setPGStartupWait(Duration.ofSeconds(60))
        .setServerConfig("max_connections", "200")
        .setServerConfig("listen_addresses", "127.0.0.1")
        // Throughput settings that keep every COMMIT durable (fsync and synchronous_commit stay on):
        // fewer checkpoints mean fewer full-page images in the WAL under a steady insert load.
        .setServerConfig("shared_buffers", "256MB")
        .setServerConfig("wal_buffers", "16MB")
        .setServerConfig("max_wal_size", "4GB")
        .setServerConfig("checkpoint_timeout", "15min")
        .setServerConfig("wal_writer_delay", "10ms");
    if (port > 0) {
      builder.setPort(port);
    }
    EmbeddedPostgres postgres = builder.start();
    EmbeddedDatabase database = new EmbeddedDatabase(postgres);
    database.ensureDatabase();
    LOG.info("Embedded PostgreSQL 16 on 127.0.0.1:{}, data in {}", postgres.getPort(), directory.toAbsolutePath());
    return database;
  }

  private void ensureDatabase() throws IOException {
    try (Connection c = postgres.getPostgresDatabase().getConnection();
         PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      exists.setString(1, DATABASE);
      try (ResultSet rs = exists.executeQuery()) {
        if (!rs.next()) {
          c.createStatement().execute("CREATE DATABASE " + DATABASE);
        }
      }
    } catch (SQLException e) {
      throw new IOException("cannot create the embedded database: " + e.getMessage(), e);
    }
  }

  public int port() {
    return postgres.getPort();
  }

  /** Connection URL in the form IRIS_DB_URL takes. */
  public String url() {
    return "postgresql://postgres@127.0.0.1:" + port() + "/" + DATABASE;
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
