package iris.db;

import io.vertx.pgclient.PgConnectOptions;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the SQL in {@code migrations/} (packaged in the jar) with Flyway; blocking, start-up only. */
public final class Migrations {
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {}

  public static void migrate(PgConnectOptions options) {
    String jdbcUrl = "jdbc:postgresql://" + options.getHost() + ":" + options.getPort() + "/" + options.getDatabase();
    MigrateResult result = Flyway.configure()
        .dataSource(jdbcUrl, options.getUser(), options.getPassword())
        .locations("classpath:migrations")
        .connectRetries(10)
        .load()
        .migrate();
    LOG.info("Database schema at version {} ({} migrations applied now)", result.targetSchemaVersion, result.migrationsExecuted);
  }
}
