package iris.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import iris.incident.Pipeline;
import iris.notify.Outbox.Delivery;
import iris.notify.Outbox.NewMessage;
import iris.testing.Sql;
import iris.testing.TestPostgres;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The outbox against PostgreSQL: a message's identity and revisions, messages that exist once,
 * the claim token that fences a send, cancelling firing messages nobody needs any more, and
 * settling incidents when their message went out.
 */
class OutboxIT {
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static Vertx vertx;
  private static Pool pool;
  private static String db;
  private static Outbox outbox;
  private static Pipeline pipeline;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    TestPostgres.Migrated database = TestPostgres.migrated(vertx);
    db = database.url();
    pool = database.pool();
    outbox = new Outbox(pool);
    pipeline = new Pipeline(pool, new SimpleMeterRegistry());
  }

  @AfterAll
  static void stop() throws Exception {
    await(pool.close());
    await(vertx.close());
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static long incident(String status, String state) {
    return (Long) Sql.rows(db, "INSERT INTO incidents (fingerprint, starts_at, status, alertname, labels, group_id, pipeline_state) "
        + "VALUES (md5(random()::text), now(), ?, 'HostOutOfMemory', '{}', 1, ?) RETURNING id", status, state).get(0).get("id");
  }

  private static NewMessage message(String topic, String kind, String recipient, List<Long> incidents) {
    return new NewMessage(topic, 1L, incidents, kind, "teams", recipient,
        new Notice("Title " + topic, "text", true, Map.of("k", "v"), null));
  }

  private static List<Long> append(NewMessage... messages) throws Exception {
    return await(pool.withTransaction(conn -> outbox.append(conn, List.of(messages))));
  }

  private static Map<String, Object> row(long id) {
    return Sql.rows(db, "SELECT * FROM deliveries WHERE id = ?", id).get(0);
  }

  @Test
  void eachWriteOfAnIdentityIsItsNextRevisionAndOthersCountAlone() throws Exception {
    String topic = "group:" + System.nanoTime();
    long first = append(message(topic, "firing", "alice", List.of(1L))).get(0);
    long second = append(message(topic, "firing", "alice", List.of(2L))).get(0);
    long bob = append(message(topic, "firing", "bob", List.of(1L))).get(0);
    long resolved = append(message(topic, "resolved", "alice", List.of(1L))).get(0);
    assertEquals(1, row(first).get("revision"));
    assertEquals(2, row(second).get("revision"));
    assertEquals(1, row(bob).get("revision"));
    assertEquals(1, row(resolved).get("revision"));
    assertEquals(topic + ":firing:teams:alice:2", row(second).get("send_key"));
  }

  @Test
  void aMessageThatExistsOnceIsWrittenOnce() throws Exception {
    String topic = "enrollment:" + System.nanoTime();
    List<Long> first = await(outbox.once(List.of(message(topic, "notice", "alice", List.of()))));
    List<Long> again = await(outbox.once(List.of(message(topic, "notice", "alice", List.of()))));
    assertEquals(1, first.size());
    assertEquals(List.of(), again);
    assertEquals(1, Sql.count(db, "SELECT count(*) FROM deliveries WHERE topic = ?", topic));
  }

  @Test
  void aSenderWhoseClaimWasTakenOverCannotFenceRetryOrFail() throws Exception {
    long id = append(message("group:" + System.nanoTime(), "firing", "alice", List.of(1L))).get(0);
    Delivery first = await(outbox.claim(id, LEASE));
    assertNotNull(first);
    assertNull(await(outbox.claim(id, LEASE)), "held by the first claim");
    assertTrue(await(outbox.fence(first, LEASE)));
    Sql.execute(db, "UPDATE deliveries SET lease_until = now() - interval '1 second' WHERE id = " + id); // its lease ran out
    Delivery second = await(outbox.claim(id, LEASE));
    assertNotNull(second);
    assertTrue(second.token() > first.token());
    assertFalse(await(outbox.fence(first, LEASE)), "the old claim must not post");
    await(outbox.failed(first, "late failure"));
    await(outbox.retryAt(first, "late retry", Duration.ofMinutes(5)));
    assertEquals("queued", row(id).get("state"));
    assertNull(row(id).get("last_error"));
    assertTrue(await(outbox.fence(second, LEASE)));
  }

  @Test
  void firingMessagesAreCancelledOnlyWhenUnsentIdleAndAllTheirAlertsResolved() throws Exception {
    long resolvedA = incident("resolved", "enriched");
    long resolvedB = incident("resolved", "enriched");
    long stillFiring = incident("firing", "routed");
    String topic = "group:" + System.nanoTime();
    long idle = append(message(topic, "firing", "alice", List.of(resolvedA))).get(0);
    long mixed = append(message(topic, "firing", "bob", List.of(resolvedA, stillFiring))).get(0);
    long onTheWire = append(message(topic, "firing", "carol", List.of(resolvedB))).get(0);
    assertNotNull(await(outbox.claim(onTheWire, LEASE)));
    assertEquals(1, await(outbox.cancelUnsentFiring(List.of(resolvedA, resolvedB))));
    assertEquals("cancelled", row(idle).get("state"));
    assertEquals("queued", row(mixed).get("state"), "it still tells of an alert that fires");
    assertEquals("queued", row(onTheWire).get("state"), "a send in flight is never cancelled under it");
    List<Outbox.Told> told = await(outbox.firingOf(List.of(resolvedA)));
    assertEquals(List.of(idle, mixed), told.stream().map(Outbox.Told::id).toList());
  }

  @Test
  void aSentMessageSettlesItsRoutedIncidentsAsNotified() throws Exception {
    long a = incident("firing", "routed");
    long b = incident("firing", "routed");
    String topic = "group:" + System.nanoTime();
    long toAlice = append(message(topic, "firing", "alice", List.of(a, b))).get(0);
    long toBob = append(message(topic, "firing", "bob", List.of(b))).get(0);
    Delivery alice = await(outbox.claim(toAlice, LEASE));
    await(pipeline.settle(alice.id(), alice.incidentIds(), Outbox.markSent(alice.id())));
    assertEquals("notified", Sql.rows(db, "SELECT pipeline_state FROM incidents WHERE id = ?", a).get(0).get("pipeline_state"));
    assertEquals("notified", Sql.rows(db, "SELECT pipeline_state FROM incidents WHERE id = ?", b).get(0).get("pipeline_state"));
    Delivery bob = await(outbox.claim(toBob, LEASE));
    await(outbox.failed(bob, "gone"));
    assertEquals("failed", row(toBob).get("state"));
    long c = incident("firing", "routed");
    long toCarol = append(message(topic, "firing", "carol", List.of(c))).get(0);
    await(outbox.failed(await(outbox.claim(toCarol, LEASE)), "gone"));
    await(pipeline.settle(0, List.of(c)));
    assertEquals("failed", Sql.rows(db, "SELECT pipeline_state FROM incidents WHERE id = ?", c).get(0).get("pipeline_state"));
  }
}
