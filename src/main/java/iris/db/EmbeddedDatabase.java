package iris.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL 16 run by Iris itself (binaries from Maven), so a newcomer needs no database.
 * The data directory is kept, so incidents survive a restart; every COMMIT is durable, and the
 * server asks for a password (generated once, kept beside the data directory) even on loopback.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
  public static final String DATABASE = "iris";
  public static final String USER = "postgres";

  private static final String HBA = """
      # Written by Iris: every connection to the embedded PostgreSQL needs the password in
      # %s (the local socket too).
      local   all   all                  scram-sha-256
      host    all   all   127.0.0.1/32   scram-sha-256
      host    all   all   ::1/128        scram-sha-256
      """;

  private final EmbeddedPostgres postgres;
  private final String password;

  private EmbeddedDatabase(EmbeddedPostgres postgres, String password) {
    this.postgres = postgres;
    this.password = password;
  }

  /** Where the generated password of the server in {@code directory} is kept. */
  public static Path passwordFile(Path directory) {
    return directory.resolveSibling(directory.getFileName() + ".password");
  }

  /** Blocking: starts the server in {@code directory} (created if missing) and ensures the database. */
  public static EmbeddedDatabase start(Path directory, int port) throws IOException {
    Path parent = directory.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path pwfile = passwordFile(directory.toAbsolutePath());
    boolean existingCluster = Files.exists(directory.resolve("postgresql.conf"));
    boolean hadPassword = Files.exists(pwfile);
    if (existingCluster && !hadPassword && !trusts(directory.resolve("pg_hba.conf"))) {
      throw new IOException("the embedded PostgreSQL in " + directory + " requires a password, but " + pwfile
          + " is missing: restore that file (or remove the data directory to start afresh)");
    }
    String password = readOrCreatePassword(pwfile);
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
        .setDataDirectory(directory)
        .setCleanDataDirectory(false)
        .setPGStartupWait(Duration.ofSeconds(60))
        // initdb: zonky passes "-A trust"; these later options win, so the cluster is born with
        // SCRAM authentication and the generated password for the superuser.
        .setLocaleConfig("auth", "scram-sha-256")
        .setLocaleConfig("pwfile", pwfile.toString())
        .setConnectConfig("password", password)
        // zonky starts the server with -F (fsync off) and synchronous_commit=off, fit for tests
        // only: an acknowledged alert must survive a power cut, so both are put back on.
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("full_page_writes", "on")
        .setServerConfig("password_encryption", "scram-sha-256")
        .setServerConfig("max_connections", "200")
        .setServerConfig("listen_addresses", "127.0.0.1")
        // Throughput settings that keep every COMMIT durable: fewer checkpoints mean fewer
        // full-page images in the WAL under a steady insert load.
        .setServerConfig("shared_buffers", "256MB")
        .setServerConfig("wal_buffers", "16MB")
        .setServerConfig("max_wal_size", "4GB")
        .setServerConfig("checkpoint_timeout", "15min")
        .setServerConfig("wal_writer_delay", "10ms");
    if (port > 0) {
      builder.setPort(port);
    }
    EmbeddedPostgres postgres = builder.start();
    EmbeddedDatabase database = new EmbeddedDatabase(postgres, password);
    try {
      if (existingCluster && !hadPassword) {
        database.requirePassword(directory); // a data directory from before passwords: trust until now
      }
      database.ensureDatabase();
    } catch (IOException | RuntimeException e) {
      postgres.close();
      throw e;
    }
    LOG.info("Embedded PostgreSQL 16 on 127.0.0.1:{}, data in {}, password in {}", postgres.getPort(),
        directory.toAbsolutePath(), pwfile);
    return database;
  }

  /** A cluster made before Iris set passwords lets local connections in without one. */
  private static boolean trusts(Path hba) throws IOException {
    return Files.readAllLines(hba, StandardCharsets.UTF_8).stream()
        .map(String::strip).filter(l -> !l.startsWith("#")).anyMatch(l -> l.endsWith(" trust") || l.endsWith("\ttrust"));
  }

  /** 256 random bits as hex (no character needs escaping in a URL or a pgpass line), mode 0600. */
  private static String readOrCreatePassword(Path file) throws IOException {
    if (Files.exists(file)) {
      String existing = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (existing.isEmpty()) {
        throw new IOException(file + " is empty; delete it only together with the data directory beside it");
      }
      return existing;
    }
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    String password = HexFormat.of().formatHex(random);
    // Written whole under another name, then renamed: a crash never leaves a half-written password.
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    Files.deleteIfExists(partial);
    try {
      Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(partial); // not a POSIX file system
    }
    Files.writeString(partial, password + "\n", StandardCharsets.UTF_8, StandardOpenOption.WRITE);
    Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
    return password;
  }

  /** Sets the password on a cluster created without one, then switches its pg_hba.conf to SCRAM. */
  private void requirePassword(Path directory) throws IOException {
    try (Connection c = postgres.getPostgresDatabase().getConnection();
         Statement st = c.createStatement()) {
      st.execute("SET password_encryption = 'scram-sha-256'");
      // The password is a hex string: quoting it as a literal is safe. Never logged.
      st.execute("ALTER ROLE " + USER + " PASSWORD '" + password + "'");
      Files.writeString(directory.resolve("pg_hba.conf"), HBA.formatted(passwordFile(directory).getFileName()),
          StandardCharsets.UTF_8);
      st.execute("SELECT pg_reload_conf()");
      LOG.info("Embedded PostgreSQL now requires the password generated into {}", passwordFile(directory));
    } catch (SQLException e) {
      throw new IOException("cannot set a password on the embedded database: " + e.getMessage(), e);
    }
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

  /** Connection URL in the form IRIS_DB_URL takes; it carries the password, so never log it. */
  public String url() {
    return "postgresql://" + USER + ":" + password + "@127.0.0.1:" + port() + "/" + DATABASE;
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
