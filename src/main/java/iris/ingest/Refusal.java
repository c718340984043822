package iris.ingest;

import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.io.IOException;
import java.net.ConnectException;

/**
 * Why a webhook's alerts were not stored, as a verdict Alertmanager can act on: a 503 is
 * retried (with Retry-After), a 400 is not. {@code unavailable} means PostgreSQL cannot be
 * reached, {@code busy} that Iris sheds load; neither says anything about the alerts.
 */
public final class Refusal extends RuntimeException {

  public enum Reason {
    /** Too much is waiting to be stored on this event loop. */
    BUSY(503, "busy"),
    /** PostgreSQL cannot be reached: connection refused, closed or lost, no connection in time. */
    UNAVAILABLE(503, "unavailable"),
    /** PostgreSQL refused the request's content (SQLSTATE class 22, data exception). */
    REJECTED(400, "invalid_request"),
    /** Any other database failure: perhaps transient, so Alertmanager should retry. */
    DATABASE_ERROR(503, "database_error");

    private final int status;
    private final String error;

    Reason(int status, String error) {
      this.status = status;
      this.error = error;
    }

    public int status() {
      return status;
    }

    /** The {@code error} of the JSON answer. */
    public String error() {
      return error;
    }

    /** The {@code reason} label of {@code iris_webhook_refused_total}. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  // Vert.x's SQL pool fails a request that waited connect_timeout_ms for a connection this way.
  private static final String POOL_TIMEOUT = "Timeout waiting for connection";

  private final Reason reason;
  private final String sqlState;

  private Refusal(Reason reason, String message, String sqlState, Throwable cause) {
    super(message, cause, false, false);
    this.reason = reason;
    this.sqlState = sqlState;
  }

  public static Refusal busy(int queuedRequests, int queuedAlerts) {
    return new Refusal(Reason.BUSY, "alerts not stored: Iris is shedding load (" + queuedRequests + " requests with "
        + queuedAlerts + " alerts wait on this event loop); retry later", null, null);
  }

  /** The verdict for a failed store of one request (or of a whole batch). */
  public static Refusal of(Throwable failure) {
    if (failure instanceof Refusal refusal) {
      return refusal;
    }
    if (unreachable(failure)) {
      return new Refusal(Reason.UNAVAILABLE, "alerts not stored: the database is unavailable; retry later", null, failure);
    }
    for (Throwable c = failure; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof ConnectionPoolTooBusyException) {
        return new Refusal(Reason.BUSY, "alerts not stored: Iris is shedding load (no database connection free); retry later",
            null, failure);
      }
      if (c instanceof PgException pg) {
        String state = pg.getSqlState();
        if (state != null && state.startsWith("22")) {
          return new Refusal(Reason.REJECTED, "the database refused this payload: " + pg.getErrorMessage(), state, failure);
        }
        return new Refusal(Reason.DATABASE_ERROR, "alerts not stored: the database failed (SQLSTATE " + state + "); retry later",
            state, failure);
      }
    }
    return new Refusal(Reason.DATABASE_ERROR, "alerts not stored: " + failure.getClass().getSimpleName() + "; retry later",
        null, failure);
  }

  /**
   * PostgreSQL cannot be reached or lost the connection: retrying the batch request by request
   * would only fail the same way, so every request of it is answered at once.
   */
  public static boolean unreachable(Throwable failure) {
    for (Throwable c = failure; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof ClosedConnectionException || c instanceof ConnectException || c instanceof IOException) {
        return true; // refused, reset, closed; Netty's connect timeout is a ConnectException too
      }
      if (c instanceof VertxException && POOL_TIMEOUT.equals(c.getMessage())) {
        return true;
      }
      if (c instanceof PgException pg && pg.getSqlState() != null) {
        String state = pg.getSqlState();
        // 08: connection exception; 28: authentication; 53300: too many connections;
        // 57P01-57P03: the server is shutting down, crashed or not yet accepting connections.
        return state.startsWith("08") || state.startsWith("28") || state.equals("53300") || state.startsWith("57P");
      }
    }
    return false;
  }

  public Reason reason() {
    return reason;
  }

  public int status() {
    return reason.status();
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("error", reason.error()).put("message", getMessage());
    if (reason == Reason.REJECTED) {
      json.put("sqlstate", sqlState);
    }
    return json;
  }
}
