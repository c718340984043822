package iris.db;

import iris.IrisConfig;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/** Builds the connection settings, the shared pool every capability's store uses, and the intake's own. */
public final class Database {
  private Database() {}

  public static PgConnectOptions connectOptions(String url, IrisConfig.Db db) {
    String normalised = url.startsWith("postgres://") ? "postgresql://" + url.substring("postgres://".length()) : url;
    PgConnectOptions options = PgConnectOptions.fromUri(normalised);
    options.setPipeliningLimit(256);
    options.setCachePreparedStatements(true);
    return options;
  }

  public static Pool pool(Vertx vertx, PgConnectOptions options, IrisConfig.Db db) {
    return pool(vertx, options, db, "iris-db", db.poolSize());
  }

  /** Connections only the webhook's group commits use: a busy pipeline cannot take them. */
  public static Pool ingestPool(Vertx vertx, PgConnectOptions options, IrisConfig.Db db) {
    return pool(vertx, options, db, "iris-ingest", db.ingestPoolSize());
  }

  /**
   * Connections for the pipeline's lease bookkeeping (claims, releases, a send's fence, a retry's
   * due time) with asynchronous commit: they need no fsync of their own, since a claim lost in a
   * database crash is only taken again. State moves, outbox rows and "sent" stay durable.
   */
  public static Pool leasePool(Vertx vertx, PgConnectOptions options, IrisConfig.Db db) {
    PgConnectOptions leases = new PgConnectOptions(options);
    leases.addProperty("synchronous_commit", "off");
    return pool(vertx, leases, db, "iris-leases", Math.max(2, db.poolSize() / 2));
  }

  private static Pool pool(Vertx vertx, PgConnectOptions options, IrisConfig.Db db, String name, int size) {
    PoolOptions poolOptions = new PoolOptions()
        .setMaxSize(size)
        .setName(name)
        .setShared(false)
        // An unreachable database must fail a request quickly (503), not hang it.
        .setConnectionTimeout((int) Math.max(1, db.connectTimeout().toSeconds()))
        .setMaxWaitQueueSize(10_000);
    NetClientOptions net = new NetClientOptions().setConnectTimeout((int) db.connectTimeout().toMillis());
    return PgBuilder.pool().with(poolOptions).with(net).connectingTo(options).using(vertx).build();
  }
}
