package iris.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import iris.notify.NotifyStore.Delivery;
import iris.notify.NotifyStore.NewDelivery;
import iris.testing.Sql;
import iris.testing.TestPostgres;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The delivery bookkeeping that merges round trips: a delivery created and claimed at once
 * still respects another claim's lease and a stored message, and marking one sent settles its
 * incidents as the separate statements did.
 */
class NotifyStoreIT {
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static Vertx vertx;
  private static Pool pool;
  private static String db;
  private static NotifyStore store;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    TestPostgres.Migrated database = TestPostgres.migrated(vertx);
    db = database.url();
    pool = database.pool();
    store = new NotifyStore(pool);
  }

  @AfterAll
  static void stop() throws Exception {
    await(pool.close());
    await(vertx.close());
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static NewDelivery delivery(String key, String recipient, List<Long> incidents, String title) {
    return new NewDelivery(1, incidents, "firing", "teams", recipient, key, new JsonObject().put("title", title));
  }

  /** An enriched firing incident, as the notifier finds it. */
  private static long incident() {
    return (Long) Sql.rows(db, "INSERT INTO incidents (fingerprint, starts_at, status, alertname, labels, group_id, pipeline_state) "
        + "VALUES (md5(random()::text), now(), 'firing', 'HostOutOfMemory', '{}', 1, 'enriched') RETURNING id").get(0).get("id");
  }

  private static String state(long incident) {
    return (String) Sql.rows(db, "SELECT pipeline_state FROM incidents WHERE id = ?", incident).get(0).get("pipeline_state");
  }

  @Test
  void aNewDeliveryIsTakenByTheStatementThatCreatesIt() throws Exception {
    String key = "new-" + System.nanoTime();
    List<Delivery> claimed = await(store.createAndClaim(List.of(delivery(key, "alice", List.of(7L), "first")), LEASE));
    assertEquals(1, claimed.size());
    Delivery d = claimed.get(0);
    assertEquals(1, d.attempts());
    assertEquals("first", d.payload().getString("title"));
    assertEquals(List.of(7L), d.incidentIds());
    assertNull(await(store.claim(d.id(), LEASE)), "leased: nobody else takes it");
    assertTrue(await(store.createAndClaim(List.of(delivery(key, "alice", List.of(7L), "again")), LEASE)).isEmpty(),
        "a re-driven group does not take a leased delivery either");
    assertEquals(1, Sql.count(db, "SELECT count(*) FROM deliveries WHERE send_key = ?", key));
  }

  @Test
  void aDueDeliveryOfTheSameKeyIsTakenWithItsStoredMessage() throws Exception {
    String key = "due-" + System.nanoTime();
    long id = await(store.create(List.of(delivery(key, "alice", List.of(8L), "stored")))).get(0);
    List<Delivery> claimed = await(store.createAndClaim(List.of(delivery(key, "alice", List.of(8L), "recomposed")), LEASE));
    assertEquals(1, claimed.size());
    assertEquals(id, claimed.get(0).id());
    assertEquals("stored", claimed.get(0).payload().getString("title"), "what earlier attempts would have sent");
    assertEquals(1, claimed.get(0).attempts());
  }

  @Test
  void oneDeliverySentOfTwoNotifiesTheIncident() throws Exception {
    long incident = incident();
    List<Delivery> claimed = await(store.createAndClaim(List.of(
        delivery("two-a-" + incident, "alice", List.of(incident), "a"),
        delivery("two-b-" + incident, "bob", List.of(incident), "b")), LEASE));
    assertEquals(2, claimed.size());
    await(store.sentAndSettle(claimed.get(0).id(), List.of(incident)));
    assertEquals("notified", state(incident));
    assertEquals("sent", Sql.rows(db, "SELECT state FROM deliveries WHERE id = ?", claimed.get(0).id()).get(0).get("state"));
    assertEquals("queued", Sql.rows(db, "SELECT state FROM deliveries WHERE id = ?", claimed.get(1).id()).get(0).get("state"));
  }

  @Test
  void anIncidentFailsOnlyWhenEveryDeliveryFailed() throws Exception {
    long incident = incident();
    List<Delivery> claimed = await(store.createAndClaim(List.of(
        delivery("fail-a-" + incident, "alice", List.of(incident), "a"),
        delivery("fail-b-" + incident, "bob", List.of(incident), "b")), LEASE));
    await(store.failed(claimed.get(0).id(), "410 Gone"));
    await(store.settle(List.of(incident)));
    assertEquals("enriched", state(incident), "one delivery is still queued");
    await(store.failed(claimed.get(1).id(), "410 Gone"));
    await(store.settle(List.of(incident)));
    assertEquals("failed", state(incident));
  }
}
