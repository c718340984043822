package iris.schedule;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster-wide leadership through a PostgreSQL session advisory lock held on a dedicated
 * connection. PostgreSQL frees the lock when that session ends, so a node that dies hands
 * leadership on by itself; every node shares the database, clustered or not.
 */
public final class LeaderLock implements Scheduler.Leadership {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderLock.class);

  private final Vertx vertx;
  private final PgConnectOptions options;
  private final long lockKey;
  private PgConnection connection;
  private boolean leader;

  public LeaderLock(Vertx vertx, PgConnectOptions options, long lockKey) {
    this.vertx = vertx;
    this.options = options;
    this.lockKey = lockKey;
  }

  /** Tries to become (or confirms being) the leader. Never fails: an error means "not leader". */
  @Override
  public Future<Boolean> tryAcquire() {
    if (leader && connection != null) {
      return connection.query("SELECT 1").execute().map(true).otherwise(e -> lost(e));
    }
    Future<PgConnection> conn = connection != null ? Future.succeededFuture(connection) : connect();
    return conn.compose(c -> c.preparedQuery("SELECT pg_try_advisory_lock($1)").execute(Tuple.of(lockKey)))
        .map(rows -> {
          leader = rows.iterator().next().getBoolean(0);
          if (leader) {
            LOG.info("This node now runs the scheduler (lock {})", lockKey);
          }
          return leader;
        })
        .otherwise(e -> lost(e));
  }

  private Future<PgConnection> connect() {
    return PgConnection.connect(vertx, options).onSuccess(c -> {
      connection = c;
      c.closeHandler(v -> {
        if (leader) {
          LOG.warn("Scheduler lock connection closed: this node stops scheduling");
        }
        leader = false;
        connection = null;
      });
    });
  }

  private boolean lost(Throwable e) {
    if (leader) {
      LOG.warn("Scheduler lock lost: {}", e.toString());
    }
    leader = false;
    if (connection != null) {
      connection.close();
      connection = null;
    }
    return false;
  }

  public Future<Void> release() {
    leader = false;
    return connection == null ? Future.succeededFuture() : connection.close();
  }
}
