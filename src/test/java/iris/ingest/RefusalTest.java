package iris.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

/** What Alertmanager is told for each way a store can fail. */
class RefusalTest {
  private static PgException pg(String sqlState) {
    return new PgException("refused for the test", "ERROR", sqlState, null);
  }

  @Test
  void aDataExceptionIs400NamingTheSqlState() {
    Refusal r = Refusal.of(pg("22P05"));
    assertEquals(Refusal.Reason.REJECTED, r.reason());
    assertEquals(400, r.status());
    assertEquals("invalid_request", r.toJson().getString("error"));
    assertEquals("22P05", r.toJson().getString("sqlstate"));
    assertTrue(r.toJson().getString("message").contains("refused for the test"));
    assertFalse(Refusal.unreachable(pg("22021")), "the database answered: not a lost connection");
  }

  @Test
  void anUnreachableDatabaseIsUnavailable() {
    for (Throwable t : new Throwable[] {
        ClosedConnectionException.INSTANCE,
        new VertxException(new ConnectException("Connection refused: /127.0.0.1:5432")),
        new VertxException("Timeout waiting for connection"),
        new java.io.IOException("Connection reset by peer"),
        pg("08006"), pg("57P01"), pg("57P03"), pg("53300"), pg("28P01")}) {
      assertTrue(Refusal.unreachable(t), t.toString());
      Refusal r = Refusal.of(t);
      assertEquals(Refusal.Reason.UNAVAILABLE, r.reason(), t.toString());
      assertEquals(503, r.status());
      assertEquals("unavailable", r.toJson().getString("error"));
    }
  }

  @Test
  void otherDatabaseFailuresAre503ButNotUnavailable() {
    for (Throwable t : new Throwable[] {pg("23505"), pg("P0001"), pg("54000"), new IllegalStateException("bug")}) {
      assertFalse(Refusal.unreachable(t), t.toString());
      Refusal r = Refusal.of(t);
      assertEquals(Refusal.Reason.DATABASE_ERROR, r.reason(), t.toString());
      assertEquals(503, r.status());
      assertNull(r.toJson().getString("sqlstate"));
    }
  }

  @Test
  void sheddingLoadIsBusy() {
    Refusal queue = Refusal.busy(3, 120);
    assertEquals(Refusal.Reason.BUSY, queue.reason());
    assertEquals("busy", queue.toJson().getString("error"));
    assertTrue(queue.getMessage().contains("120 alerts"), queue.getMessage());
    assertEquals(queue, Refusal.of(queue), "a verdict stays what it is");
    Refusal pool = Refusal.of(new ConnectionPoolTooBusyException("Connection pool reached max wait queue size of 10"));
    assertEquals(Refusal.Reason.BUSY, pool.reason());
    assertEquals(503, pool.status());
  }
}
