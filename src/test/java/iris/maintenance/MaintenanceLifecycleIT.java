package iris.maintenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import iris.ConfigSource;
import iris.IrisConfig;
import iris.http.HttpProblem;
import iris.incident.Pipeline;
import iris.notify.NotifyStore.Pending;
import iris.notify.Outbox;
import iris.registry.HostStore;
import iris.registry.Ownership;
import iris.registry.OwnershipStore;
import iris.testing.MutableClock;
import iris.testing.Sql;
import iris.testing.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The lifecycle of maintenance windows on a clock the test moves (no sleeps), against the real
 * PostgreSQL: validation against the registry, start and end on time by the scheduler's passes,
 * reminders, muting and the sending on at the end, recurrence across a daylight-saving change,
 * single-occurrence and bulk cancel, the preview.
 */
class MaintenanceLifecycleIT {
  private static Vertx vertx;
  private static Pool pool;
  private static String db;
  private static MutableClock clock;
  private static Maintenance maintenance;
  private static MaintenanceMuter muter;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    TestPostgres.Migrated migrated = TestPostgres.migrated(vertx);
    pool = migrated.pool();
    db = migrated.url();
    IrisConfig config = IrisConfig.from(ConfigSource.load(null, Map.of()));
    clock = new MutableClock(Instant.parse("2026-03-20T10:00:00Z"));
    MaintenanceStore store = new MaintenanceStore(pool);
    maintenance = new Maintenance(store, new HostStore(pool), new OwnershipStore(pool), new Pipeline(pool, new SimpleMeterRegistry()),
        new MaintenanceNotices(store, new Outbox(pool), config), config, clock, vertx.eventBus());
    muter = new MaintenanceMuter(store, clock);
    Sql.execute(db, """
        INSERT INTO maintainers (name, teams_webhook_url, channels) VALUES ('alice', 'http://127.0.0.1:9/alice', '{teams}');
        INSERT INTO services (name) VALUES ('billing'), ('search');
        INSERT INTO service_maintainers SELECT s.id, m.id FROM services s, maintainers m WHERE s.name = 'billing';
        INSERT INTO hosts (hostname, labels) VALUES ('db1', '{"rack": "r7"}'), ('web1', '{}'), ('web2', '{}');
        INSERT INTO host_services SELECT h.id, s.id FROM hosts h, services s WHERE h.hostname = 'db1' AND s.name = 'billing';
        """);
  }

  @AfterAll
  static void stop() {
    vertx.close();
  }

  private static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception x) {
        throw x;
      }
      throw e;
    }
  }

  private static HttpProblem refused(Supplier<Future<?>> call) throws Exception {
    try {
      await(call.get());
    } catch (HttpProblem p) {
      return p;
    }
    return fail("expected a refusal");
  }

  private static JsonObject window(String title, String hosts, Instant starts, Duration length) {
    return new JsonObject().put("title", title).put("scope", new JsonObject().put("hosts", new JsonArray().add(hosts)))
        .put("starts_at", starts.toString()).put("ends_at", starts.plus(length).toString());
  }

  private static long incident(String fingerprint, String alertname, String instance, String state) {
    return (Long) Sql.rows(db, """
        INSERT INTO incidents (fingerprint, starts_at, status, alertname, severity, instance, labels, group_id, pipeline_state)
        VALUES (?, now(), 'firing', ?, 'critical', ?, jsonb_build_object('alertname', ?::text, 'instance', ?::text, 'team', 'db'), 1, ?)
        RETURNING id""", fingerprint, alertname, instance, alertname, instance, state).get(0).get("id");
  }

  private static Pending pending(long id, String alertname, String instance) {
    return new Pending(id, 1, "firing", alertname, "critical", instance,
        new JsonObject().put("alertname", alertname).put("instance", instance), new JsonObject(),
        OffsetDateTime.now(ZoneOffset.UTC), null, null, null, null);
  }

  private static List<String> notices(long occurrenceId) {
    return Sql.rows(db, "SELECT kind FROM deliveries WHERE topic = ? ORDER BY id", "maintenance:" + occurrenceId).stream()
        .map(r -> (String) r.get("kind")).toList();
  }

  private static long firstOccurrence(JsonObject w) {
    return w.getJsonArray("occurrences").getJsonObject(0).getLong("id");
  }

  @Test
  void unknownHostsServicesAndNeverSeenLabelsAreRefusedByNameAndNothingIsCreated() throws Exception {
    long before = Sql.count(db, "SELECT count(*) FROM maintenance_windows");
    Instant at = clock.instant().plus(Duration.ofDays(1));
    JsonObject typoHost = window("Typo", "db1", at, Duration.ofHours(1));
    typoHost.getJsonObject("scope").getJsonArray("hosts").add("dbl");
    HttpProblem host = refused(() -> maintenance.create(typoHost, "ops"));
    assertEquals("scope.hosts", host.toJson().getString("field"));
    assertTrue(host.getMessage().contains("dbl") && !host.getMessage().contains("db1,"), host.getMessage());

    JsonObject typoService = window("Typo", "db1", at, Duration.ofHours(1));
    typoService.getJsonObject("scope").put("services", new JsonArray().add("biling"));
    HttpProblem service = refused(() -> maintenance.create(typoService, "ops"));
    assertEquals("scope.services", service.toJson().getString("field"));
    assertTrue(service.getMessage().contains("biling"), service.getMessage());

    JsonObject typoLabel = window("Typo", "db1", at, Duration.ofHours(1));
    typoLabel.getJsonObject("scope").put("matchers", new JsonArray()
        .add(new JsonObject().put("label", "rack").put("op", "=").put("value", "r7"))
        .add(new JsonObject().put("label", "tema").put("op", "=").put("value", "db")));
    HttpProblem label = refused(() -> maintenance.create(typoLabel, "ops"));
    assertEquals("scope.matchers", label.toJson().getString("field"));
    assertTrue(label.getMessage().contains("tema") && !label.getMessage().contains("rack"), label.getMessage());
    assertEquals(before, Sql.count(db, "SELECT count(*) FROM maintenance_windows"));

    // a label carried by a stored alert is known
    incident("fp-seen", "HostDown", "web2:9100", "notified");
    JsonObject seen = window("Seen", "db1", at, Duration.ofHours(1));
    seen.getJsonObject("scope").put("matchers", new JsonArray().add(new JsonObject().put("label", "team").put("value", "db")));
    assertEquals("planned", await(maintenance.create(seen, "ops")).getString("state"));
    await(maintenance.cancel(await(maintenance.list("planned", null, null, 100)).get(0).getLong("id"), "ops", "test done"));
  }

  @Test
  void aWindowStartsRemindsMutesEndsAndSendsOnWhatStillFiresOnce() throws Exception {
    clock.set(Instant.parse("2026-05-04T08:00:00Z"));
    Instant starts = clock.instant().plus(Duration.ofHours(2));
    JsonObject body = window("Kernel upgrade", "db1", starts, Duration.ofHours(1))
        .put("reminders", new JsonArray().add("PT24H").add("PT1H"));
    JsonObject created = await(maintenance.create(body, "ops-key"));
    long id = created.getLong("id");
    long occ = firstOccurrence(created);
    assertEquals("planned", created.getString("state"));
    assertEquals("ops-key", created.getString("created_by"));

    // made 2 h ahead: the 24 h reminder is due at once, the 1 h one later, each once
    await(maintenance.reminders());
    await(maintenance.reminders());
    assertEquals(List.of("reminder-PT24H"), notices(occ));
    clock.advance(Duration.ofMinutes(65));
    await(maintenance.reminders());
    assertEquals(List.of("reminder-PT24H", "reminder-PT1H"), notices(occ));
    assertEquals("alice", Sql.rows(db, "SELECT recipient FROM deliveries WHERE topic = ? LIMIT 1", "maintenance:" + occ)
        .get(0).get("recipient"));

    // not before its time
    long early = incident("fp-kernel-early", "HostDown", "db1:9100", "enriched");
    assertEquals(Optional.empty(), await(muter.mutedBecause(pending(early, "HostDown", "db1:9100"), Ownership.unknown())));

    clock.set(starts);
    await(maintenance.transitions());
    JsonObject active = await(maintenance.find(id));
    assertEquals("active", active.getString("state"));
    assertTrue(notices(occ).contains("started"), notices(occ).toString());
    JsonObject started = active.getJsonArray("history").getJsonObject(1);
    assertEquals("started", started.getString("action"));
    assertEquals("scheduler", started.getString("by"));

    muter.invalidate();
    long stillFiring = incident("fp-kernel-1", "HostDown", "db1:9100", "suppressed");
    long resolves = incident("fp-kernel-2", "HostOutOfMemory", "db1:9100", "suppressed");
    long elsewhere = incident("fp-kernel-3", "HostDown", "web1:9100", "enriched");
    assertEquals(Optional.of("maintenance window " + id + ": \"Kernel upgrade\""),
        await(muter.mutedBecause(pending(stillFiring, "HostDown", "db1:9100"), Ownership.unknown())));
    assertTrue(await(muter.mutedBecause(pending(resolves, "HostOutOfMemory", "db1:9100"), Ownership.unknown())).isPresent());
    assertEquals(Optional.empty(), await(muter.mutedBecause(pending(elsewhere, "HostDown", "web1:9100"), Ownership.unknown())));
    Sql.execute(db, "UPDATE incidents SET status = 'resolved' WHERE id = " + resolves);

    // about to end while an alert it muted still fires
    clock.set(starts.plus(Duration.ofMinutes(50)));
    await(maintenance.reminders());
    assertTrue(notices(occ).contains("ending"), notices(occ).toString());

    clock.set(starts.plus(Duration.ofHours(1)));
    await(maintenance.transitions());
    JsonObject done = await(maintenance.find(id));
    assertEquals("completed", done.getString("state"));
    assertEquals(2, done.getJsonArray("muted_incidents").size());
    Map<String, Object> sentOn = Sql.rows(db, "SELECT pipeline_state, pipeline_reason FROM incidents WHERE id = " + stillFiring).get(0);
    assertEquals("enriched", sentOn.get("pipeline_state"));
    assertEquals("still firing after maintenance window " + id + ": \"Kernel upgrade\"", sentOn.get("pipeline_reason"));
    assertEquals("suppressed", Sql.rows(db, "SELECT pipeline_state FROM incidents WHERE id = " + resolves).get(0).get("pipeline_state"));

    List<String> kinds = notices(occ);
    assertEquals(1, kinds.stream().filter("summary"::equals).count(), kinds.toString());
    JsonObject summary = new JsonObject((String) Sql.rows(db, "SELECT payload::text AS p FROM deliveries WHERE topic = ? AND kind = 'summary'",
        "maintenance:" + occ).get(0).get("p"));
    String text = summary.encode();
    assertTrue(text.contains("2 alerts fired") && text.contains("Still firing") && text.contains("HostDown on db1:9100")
        && text.contains("HostOutOfMemory"), text);

    // once: another pass sends nothing on again, even if the incident were suppressed once more
    Sql.execute(db, "UPDATE incidents SET pipeline_state = 'suppressed' WHERE id = " + stillFiring);
    await(maintenance.transitions());
    assertEquals("suppressed", Sql.rows(db, "SELECT pipeline_state FROM incidents WHERE id = " + stillFiring).get(0).get("pipeline_state"));
    assertEquals(kinds, notices(occ));

    // the ended window mutes nothing more and cannot be extended
    muter.invalidate();
    assertEquals(Optional.empty(), await(muter.mutedBecause(pending(early, "HostDown", "db1:9100"), Ownership.unknown())));
    HttpProblem extend = refused(() -> maintenance.extend(id, new JsonObject().put("by", "PT30M"), "ops"));
    assertEquals(409, extend.status());
  }

  @Test
  void earlyStartExtendAndEarlyEndAreRecordedWithWhoAndWhy() throws Exception {
    clock.set(Instant.parse("2026-06-01T08:00:00Z"));
    long id = await(maintenance.create(window("Switch firmware", "web1", clock.instant().plus(Duration.ofHours(3)), Duration.ofHours(1))
        .put("category", "network"), "neteng")).getLong("id");
    assertEquals("active", await(maintenance.start(id, "neteng", "vendor ready early")).getString("state"));
    JsonObject extended = await(maintenance.extend(id, new JsonObject().put("by", "PT30M"), "neteng"));
    assertEquals(Instant.parse("2026-06-01T12:30:00Z").toString(),
        extended.getJsonArray("occurrences").getJsonObject(0).getString("ends_at"));
    HttpProblem tooLong = refused(() -> maintenance.extend(id, new JsonObject().put("by", "P8D"), "neteng"));
    assertEquals("by", tooLong.toJson().getString("field"));
    clock.advance(Duration.ofMinutes(20));
    JsonObject ended = await(maintenance.end(id, "neteng", "done"));
    assertEquals("completed", ended.getString("state"));
    List<String> actions = ended.getJsonArray("history").stream().map(o -> ((JsonObject) o).getString("action")).toList();
    assertEquals(List.of("created", "started", "extended", "ended", "summary"), actions);
    JsonObject written = ended.getJsonArray("history").getJsonObject(4).getJsonObject("detail");
    assertEquals("template", written.getString("generated_by"), "no LLM configured: " + written.encode());
    assertEquals(null, written.getString("fallback_reason"));
    JsonObject start = ended.getJsonArray("history").getJsonObject(1);
    assertEquals("neteng", start.getString("by"));
    assertEquals("vendor ready early", start.getString("reason"));
    assertEquals(409, refused(() -> maintenance.end(id, "neteng", null)).status());
  }

  @Test
  void aWeeklyWindowInBerlinKeepsItsLocalTimeAcrossTheSpringChangeAndEachOccurrenceCancelsAlone() throws Exception {
    clock.set(Instant.parse("2026-03-20T10:00:00Z"));
    JsonObject body = new JsonObject().put("title", "Sunday patching").put("timezone", "Europe/Berlin")
        .put("scope", new JsonObject().put("services", new JsonArray().add("billing")))
        .put("starts_at", "2026-03-22T02:00").put("ends_at", "2026-03-22T04:00").put("recurrence", "FREQ=WEEKLY;BYDAY=SU;COUNT=3");
    JsonObject w = await(maintenance.create(body, "ops"));
    long id = w.getLong("id");
    JsonArray occ = w.getJsonArray("occurrences");
    assertEquals(3, occ.size());
    assertEquals("2026-03-22T01:00:00Z", occ.getJsonObject(0).getString("starts_at"));
    assertEquals("2026-03-29T01:00:00Z", occ.getJsonObject(1).getString("starts_at"));
    assertEquals("2026-03-29T02:00:00Z", occ.getJsonObject(1).getString("ends_at"));
    assertEquals("2026-04-05T00:00:00Z", occ.getJsonObject(2).getString("starts_at"));

    long second = occ.getJsonObject(1).getLong("id");
    JsonObject afterCancel = await(maintenance.cancelOccurrence(id, second, "ops", "release freeze"));
    assertEquals(List.of("planned", "cancelled", "planned"),
        afterCancel.getJsonArray("occurrences").stream().map(o -> ((JsonObject) o).getString("state")).toList());
    assertEquals("planned", afterCancel.getString("state"));

    clock.set(Instant.parse("2026-03-22T01:00:00Z"));
    await(maintenance.transitions());
    assertEquals("active", await(maintenance.find(id)).getString("state"));
    clock.set(Instant.parse("2026-03-22T03:00:00Z"));
    await(maintenance.transitions());
    JsonObject between = await(maintenance.find(id));
    assertEquals("planned", between.getString("state"), "the next occurrence is still to come");
    assertEquals("completed", between.getJsonArray("occurrences").getJsonObject(0).getString("state"));

    // the cancelled occurrence does not start
    clock.set(Instant.parse("2026-03-29T01:30:00Z"));
    await(maintenance.transitions());
    assertEquals("cancelled", await(maintenance.find(id)).getJsonArray("occurrences").getJsonObject(1).getString("state"));
    assertEquals("planned", await(maintenance.find(id)).getString("state"));

    clock.set(Instant.parse("2026-04-05T02:00:00Z"));
    await(maintenance.transitions());
    assertEquals("completed", await(maintenance.find(id)).getString("state"));
  }

  @Test
  void bulkCancelTakesIdsOrAFilterAndIsAllOrNothing() throws Exception {
    clock.set(Instant.parse("2026-07-01T08:00:00Z"));
    Instant at = clock.instant().plus(Duration.ofDays(2));
    long a = await(maintenance.create(window("A", "web2", at, Duration.ofHours(1)), "ops")).getLong("id");
    long b = await(maintenance.create(window("B", "web2", at.plus(Duration.ofDays(1)), Duration.ofHours(1)), "ops")).getLong("id");
    long c = await(maintenance.create(window("C", "web2", at.plus(Duration.ofDays(2)), Duration.ofHours(1))
        .put("category", "security"), "ops")).getLong("id");

    HttpProblem unknown = refused(() -> maintenance.cancelAll(List.of(a, 999_999L), "ops", "oops"));
    assertEquals("ids", unknown.toJson().getString("field"));
    assertEquals("planned", await(maintenance.find(a)).getString("state"), "nothing cancelled when one id is wrong");

    await(maintenance.cancelAll(List.of(a, b), "ops", "project postponed"));
    assertEquals("cancelled", await(maintenance.find(a)).getString("state"));
    assertEquals("cancelled", await(maintenance.find(b)).getString("state"));
    assertEquals("planned", await(maintenance.find(c)).getString("state"));

    List<Long> bySecurity = await(maintenance.idsWhere(null, "WEB2", null, "security"));
    assertEquals(List.of(c), bySecurity);
    await(maintenance.cancelAll(bySecurity, "ops", "audit moved"));
    JsonObject cancelled = await(maintenance.find(c));
    assertEquals("cancelled", cancelled.getString("state"));
    JsonObject last = cancelled.getJsonArray("history").getJsonObject(cancelled.getJsonArray("history").size() - 1);
    assertEquals("audit moved", last.getString("reason"));
    assertEquals(409, refused(() -> maintenance.start(c, "ops", null)).status());
  }

  @Test
  void thePreviewSaysWhichHostsServicesAndFiringIncidentsADraftCovers() throws Exception {
    clock.set(Instant.parse("2026-08-01T08:00:00Z"));
    long onDb1 = incident("fp-preview-1", "HostHighCpuLoad", "db1:9100", "notified");
    long onWeb1 = incident("fp-preview-2", "HostHighCpuLoad", "web1:9100", "notified");
    JsonObject draft = new JsonObject().put("title", "Billing DB move")
        .put("scope", new JsonObject().put("services", new JsonArray().add("billing")))
        .put("starts_at", clock.instant().plus(Duration.ofHours(1)).toString())
        .put("ends_at", clock.instant().plus(Duration.ofHours(2)).toString());
    long windows = Sql.count(db, "SELECT count(*) FROM maintenance_windows");
    JsonObject preview = await(maintenance.preview(draft));
    assertEquals(new JsonArray().add("db1"), preview.getJsonArray("hosts"));
    assertEquals(new JsonArray().add("billing"), preview.getJsonArray("services"));
    List<Long> muted = preview.getJsonArray("would_mute_now").stream().map(o -> ((JsonObject) o).getLong("id")).toList();
    assertTrue(muted.contains(onDb1), preview.encode());
    assertFalse(muted.contains(onWeb1), preview.encode());
    assertEquals(windows, Sql.count(db, "SELECT count(*) FROM maintenance_windows"), "a preview creates nothing");
  }

  @Test
  void anEmergencyWindowIsActiveAtOnceAndAnnounced() throws Exception {
    clock.set(Instant.parse("2026-09-01T08:00:00Z"));
    JsonObject body = new JsonObject().put("title", "Disk failing").put("type", "emergency").put("category", "database")
        .put("scope", new JsonObject().put("hosts", new JsonArray().add("db1")))
        .put("ends_at", clock.instant().plus(Duration.ofHours(2)).toString());
    JsonObject w = await(maintenance.create(body, "oncall"));
    assertEquals("active", w.getString("state"));
    assertNotNull(w.getJsonArray("occurrences").getJsonObject(0).getString("started_at"));
    assertTrue(notices(firstOccurrence(w)).contains("started"));
    await(maintenance.cancel(w.getLong("id"), "oncall", "disk replaced"));
    assertEquals("cancelled", await(maintenance.find(w.getLong("id"))).getString("state"));
  }
}
