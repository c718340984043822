package iris.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.sqlclient.SqlConnection;
import iris.testing.Http;
import iris.testing.Payloads;
import iris.testing.Sql;
import iris.testing.TestIris;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The intake is protected: its commits have connections of their own (the rest of Iris can hold
 * every connection of the main pool), and what waits for a transaction is bounded (beyond it,
 * 503 busy at once rather than memory growing without end).
 */
class IntakeProtectionIT {
  private static TestIris iris;
  private static String db;
  private static final Instant START = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);

  @BeforeAll
  static void start() throws Exception {
    iris = TestIris.start(Map.of(
        "IRIS_ROLES", "ingest",
        "IRIS_DB_POOL_SIZE", "1",
        "IRIS_HTTP_INSTANCES", "1",
        "IRIS_WEBHOOK_BATCH_WINDOW_MS", "0",
        "IRIS_WEBHOOK_MAX_IN_FLIGHT", "1",
        "IRIS_WEBHOOK_MAX_QUEUED_REQUESTS", "1"));
    db = iris.env.get("IRIS_DB_URL");
  }

  @AfterAll
  static void stop() throws Exception {
    iris.close();
  }

  private static String webhook(String fingerprint) {
    return Payloads.webhook("g-" + fingerprint, Payloads.firing(fingerprint, "Protected", "h:9100", START)).encode();
  }

  /** Polls a condition the test cannot be told about (another process's state), with a deadline. */
  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
      Thread.sleep(20);
    }
  }

  private static Connection jdbc() throws Exception {
    URI uri = URI.create(db);
    return DriverManager.getConnection("jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath(), "postgres", "");
  }

  @Test
  void webhooksAreStoredWhileTheRestOfIrisHoldsEveryConnectionOfTheMainPool() throws Exception {
    SqlConnection held = iris.app.components().pool().getConnection().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    try {
      CompletableFuture<?> starved = iris.app.components().pool().query("SELECT 1").execute().toCompletionStage().toCompletableFuture();
      Http.Response answer = iris.webhook(webhook("fp-own-pool-1"));
      assertEquals(200, answer.status(), answer.body());
      assertEquals(1, Sql.count(db, "SELECT count(*) FROM incidents WHERE fingerprint = 'fp-own-pool-1'"));
      assertFalse(starved.isDone(), "the main pool had no connection free the whole time");
    } finally {
      held.close();
    }
  }

  @Test
  void beyondTheQueueBoundAWebhookIsAnswered503BusyAtOnce() throws Exception {
    double busyBefore = iris.metric("iris_webhook_refused_total{reason=\"busy\"}");
    try (Connection lock = jdbc()) {
      lock.setAutoCommit(false);
      // The one transaction allowed in flight now waits on this lock...
      lock.createStatement().execute("LOCK TABLE alert_groups IN EXCLUSIVE MODE");
      CompletableFuture<Http.Response> inFlight = CompletableFuture.supplyAsync(() -> iris.webhook(webhook("fp-bound-1")));
      await("the first transaction waits on the lock", () -> Sql.count(db,
          "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") > 0);
      // ...the next request waits for it in the queue, which then holds its one allowed request...
      CompletableFuture<Http.Response> queued = CompletableFuture.supplyAsync(() -> iris.webhook(webhook("fp-bound-2")));
      await("a request is queued", () -> iris.metric("iris_ingest_queued_requests") >= 1);
      // ...so a third is refused at once, with the reason and when to retry.
      Http.Response refused = iris.webhook(webhook("fp-bound-3"));
      assertEquals(503, refused.status(), refused.body());
      assertEquals("busy", refused.json().getString("error"));
      assertTrue(refused.json().getString("message").contains("shedding load"), refused.body());
      assertNotNull(refused.header("Retry-After"));
      assertFalse(inFlight.isDone() || queued.isDone(), "the refusal did not wait for the database");
      lock.commit();

      assertEquals(200, inFlight.get(30, TimeUnit.SECONDS).status());
      assertEquals(200, queued.get(30, TimeUnit.SECONDS).status());
    }
    assertEquals(2, Sql.count(db, "SELECT count(*) FROM incidents WHERE fingerprint IN ('fp-bound-1', 'fp-bound-2')"));
    assertEquals(0, Sql.count(db, "SELECT count(*) FROM incidents WHERE fingerprint = 'fp-bound-3'"));
    assertEquals(busyBefore + 1, iris.metric("iris_webhook_refused_total{reason=\"busy\"}"));
    assertEquals(0.0, iris.metric("iris_webhook_refused_total{reason=\"unavailable\"}"), "shedding load is not an outage");
    assertEquals(0.0, iris.metric("iris_ingest_queued_requests"));
  }
}
