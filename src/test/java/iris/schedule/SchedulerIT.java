package iris.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import iris.EventAddress;
import iris.incident.IncidentEvents;
import iris.IrisConfig;
import iris.db.Database;
import iris.testing.Payloads;
import iris.testing.Sql;
import iris.testing.TestIris;
import iris.testing.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SchedulerIT {

  @Test
  void theSweeperReannouncesIncidentsLeftInReceivedPastTheirLease() throws Exception {
    try (TestIris iris = TestIris.start(Map.of("IRIS_PIPELINE_LEASE_SECONDS", "1", "IRIS_PIPELINE_SWEEP_INTERVAL_SECONDS", "1",
        "IRIS_ROLES", "ingest,schedule"))) {
      List<JsonObject> seen = new CopyOnWriteArrayList<>();
      iris.app.vertx().eventBus().<JsonObject>consumer(EventAddress.INCIDENT_CHANGED.address(), m -> IncidentEvents.changes(m.body()).forEach(c -> seen.add(new JsonObject().put("id", c.id()).put("status", c.status()))));
      assertEquals(200, iris.webhook(Payloads.webhook("g-sweep",
          Payloads.firing("fp-sweep-1", "HostDown", "h:9100", Instant.now().minusSeconds(5))).encode()).status());
      long deadline = System.currentTimeMillis() + 15_000;
      while (seen.size() < 2 && System.currentTimeMillis() < deadline) {
        Thread.sleep(100);
      }
      assertTrue(seen.size() >= 2, "announced at intake, then again by the sweeper: " + seen);
      long id = seen.get(0).getLong("id");
      assertTrue(seen.stream().allMatch(c -> c.getLong("id") == id));
      Map<String, Object> row = Sql.rows(iris.env.get("IRIS_DB_URL"),
          "SELECT pipeline_attempts, pipeline_lease_until > now() AS leased FROM incidents WHERE id = ?", id).get(0);
      assertTrue(((Number) row.get("pipeline_attempts")).intValue() >= 1);
      assertEquals(true, row.get("leased"), "each re-announcement extends the lease");

      // An incident that left "received" is never re-announced.
      Sql.rows(iris.env.get("IRIS_DB_URL"), "UPDATE incidents SET pipeline_state = 'notified', pipeline_lease_until = now() - interval '1 hour' WHERE id = ? RETURNING id", id);
      Thread.sleep(300);
      int count = seen.size();
      Thread.sleep(2500);
      assertEquals(count, seen.size());
    }
  }

  @Test
  void onlyOneNodeHoldsTheSchedulerLockAndItPassesOnWhenReleased() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      PgConnectOptions options = Database.connectOptions(TestPostgres.newDatabase(),
          new IrisConfig.Db("", 2, Duration.ofSeconds(2), 0));
      LeaderLock first = new LeaderLock(vertx, options, 42);
      LeaderLock second = new LeaderLock(vertx, options, 42);
      assertTrue(first.tryAcquire().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
      assertFalse(second.tryAcquire().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
      assertTrue(first.tryAcquire().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS), "the leader stays leader");
      first.release().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS); // as when a node dies
      assertTrue(second.tryAcquire().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
      second.release().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
