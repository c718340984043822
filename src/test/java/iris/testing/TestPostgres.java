package iris.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

/** One real PostgreSQL 16 per test JVM; each test class gets a database of its own. */
public final class TestPostgres {
  private static EmbeddedPostgres server;
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private TestPostgres() {}

  public static synchronized EmbeddedPostgres server() {
    if (server == null) {
      try {
        server = EmbeddedPostgres.builder().setServerConfig("max_connections", "300").start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return server;
  }

  /** A new empty database; returns its URL in IRIS_DB_URL form. */
  public static String newDatabase() {
    String name = "iris_test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    try (Connection c = server().getPostgresDatabase().getConnection()) {
      c.createStatement().execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return "postgresql://postgres@127.0.0.1:" + server().getPort() + "/" + name;
  }

  /** A new database with Iris's migrations applied and a pool on it, for tests of one store. */
  public record Migrated(String url, io.vertx.sqlclient.Pool pool) {}

  public static Migrated migrated(io.vertx.core.Vertx vertx) {
    String url = newDatabase();
    iris.IrisConfig.Db settings = new iris.IrisConfig.Db(url, 4, java.time.Duration.ofSeconds(2), 0);
    io.vertx.pgclient.PgConnectOptions options = iris.db.Database.connectOptions(url, settings);
    iris.db.Migrations.migrate(options);
    return new Migrated(url, iris.db.Database.pool(vertx, options, settings));
  }
}
