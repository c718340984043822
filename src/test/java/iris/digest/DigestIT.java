package iris.digest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import iris.ConfigSource;
import iris.IrisConfig;
import iris.Templates;
import iris.notify.Outbox;
import iris.testing.AdaptiveCardShape;
import iris.testing.Sql;
import iris.testing.TestPostgres;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Digests on a fixed clock (07:00 on Tue 3 Mar 2026: the daily digest covers Mon 2 Mar) against
 * the real PostgreSQL, with seeded incidents, acknowledgements, resolutions, a maintenance window
 * and deployments: exact counts, MTTA/MTTR and SLA flags for each maintainer's scope and nothing
 * of another's hosts; the noisy rules and their suggestions; the card's shape; stored and queued
 * once per recipient and period however often it runs.
 */
class DigestIT {
  static final String DAY = "2026-03-02";
  private static Vertx vertx;
  private static Pool pool;
  private static String db;
  private static Digests digests;
  private static Map<String, JsonObject> dry;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    TestPostgres.Migrated migrated = TestPostgres.migrated(vertx);
    pool = migrated.pool();
    db = migrated.url();
    Map<String, String> env = new HashMap<>();
    env.put("IRIS_DIGEST_INFRASTRUCTURE_STAKEHOLDERS", "ops");
    env.put("IRIS_DIGEST_GENERAL_RECIPIENTS", "default");
    env.put("IRIS_DIGEST_GENERAL_FREQUENCY", "daily");
    env.put("IRIS_DIGEST_PUBLIC_URL", "https://iris.example.org");
    env.put("IRIS_EMAIL_TRANSPORT", "smtp");
    env.put("IRIS_EMAIL_SMTP_HOST", "127.0.0.1");
    IrisConfig config = IrisConfig.from(ConfigSource.load(null, env));
    Clock clock = Clock.fixed(Instant.parse("2026-03-03T07:00:00Z"), ZoneOffset.UTC);
    seed(db);
    DigestStore store = new DigestStore(pool);
    digests = new Digests(store, new SnapshotHostHealth(store), new Outbox(pool), new Templates(null), config, null, clock);
    JsonObject run = await(digests.run("daily", null, clock.instant(), true));
    dry = new HashMap<>();
    run.getJsonArray("digests").forEach(d -> dry.put(((JsonObject) d).getString("recipient") + "/" + ((JsonObject) d).getString("kind"),
        (JsonObject) d));
  }

  @AfterAll
  static void stop() {
    vertx.close();
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  static String at(String hhmm) {
    return DAY + "T" + hhmm + ":00Z";
  }

  /**
   * alice maintains billing (db1) and, by a host override, web2 (a search host); bob maintains
   * search (web1); carol is billing's escalation manager; ops is an infrastructure stakeholder;
   * dave takes weekly digests.
   */
  static void seed(String db) {
    Sql.execute(db, """
        INSERT INTO maintainers (name, email, teams_webhook_url, digest_frequency) VALUES
          ('alice', 'alice@example.org', 'http://127.0.0.1:9/alice', 'daily'), ('bob', 'bob@example.org', NULL, 'daily'),
          ('carol', 'carol@example.org', NULL, 'daily'), ('ops', 'ops@example.org', NULL, 'daily'),
          ('dave', 'dave@example.org', NULL, 'weekly');
        INSERT INTO services (name, escalation_manager) VALUES ('billing', (SELECT id FROM maintainers WHERE name = 'carol')), ('search', NULL);
        INSERT INTO service_maintainers SELECT s.id, m.id FROM services s, maintainers m
          WHERE (s.name, m.name) IN (('billing', 'alice'), ('search', 'bob'));
        INSERT INTO hosts (hostname, address) VALUES ('db1', '10.0.0.1'), ('web1', '10.0.0.2'), ('web2', '10.0.0.3');
        INSERT INTO host_services SELECT h.id, s.id FROM hosts h, services s
          WHERE (h.hostname, s.name) IN (('db1', 'billing'), ('web1', 'search'), ('web2', 'search'));
        INSERT INTO host_maintainers SELECT h.id, m.id FROM hosts h, maintainers m WHERE h.hostname = 'web2' AND m.name = 'alice';
        """);
    StringBuilder sql = new StringBuilder();
    // alice's: two criticals on db1 (one over its 4 h), a warning still open on web2, a flapping rule, an old one still open
    incident(sql, "DiskFull", "critical", "db1:9100", at("01:00"), at("01:10"), at("03:00"));
    incident(sql, "HostDown", "critical", "db1:9100", at("05:00"), at("05:30"), at("11:00"));
    incident(sql, "CpuHigh", "warning", "web2:9100", at("10:00"), null, null);
    for (String t : List.of("12:00", "12:30", "13:00", "13:30")) {
      incident(sql, "Flappy", "warning", "db1:9100", at(t), null, at(t.substring(0, 3) + String.format("%02d", Integer.parseInt(t.substring(3)) + 2)));
    }
    incident(sql, "MemLeak", "warning", "db1:9100", "2026-02-27T08:00:00Z", null, null);
    incident(sql, "DiskFull", "critical", "db1:9100", "2026-03-01T02:00:00Z", "2026-03-01T02:20:00Z", "2026-03-01T03:00:00Z");
    // resolved after the period's end: open at its end
    incident(sql, "Late", "warning", "db1:9100", at("23:00"), null, "2026-03-03T01:00:00Z");
    // bob's: a critical, a rule that fires only during maintenance, two rules that fire together
    incident(sql, "HostDown", "critical", "web1:9100", at("02:00"), at("02:05"), at("02:35"));
    for (String t : List.of("20:00", "20:30", "21:00")) {
      incident(sql, "BackupRunning", "info", "web1:9100", at(t), null, at(t.substring(0, 3) + String.format("%02d", Integer.parseInt(t.substring(3)) + 10)));
    }
    for (String h : List.of("14", "15", "16", "17")) {
      incident(sql, "ApiErrors", "warning", "web1:8080", at(h + ":00"), null, at(h + ":20"));
      incident(sql, "ApiLatency", "warning", "web1:8080", DAY + "T" + h + ":00:30Z", null, at(h + ":21"));
    }
    // nobody's
    incident(sql, "Unowned", "warning", "ghost:9100", at("08:00"), null, at("08:30"));
    Sql.execute(db, sql.toString());
    Sql.execute(db, """
        INSERT INTO maintenance_windows (title, type, category, scope, starts_at, ends_at, timezone, state, created_by)
          VALUES ('Backup night', 'scheduled', 'infrastructure', '{"hosts": ["web1"], "services": [], "matchers": []}',
                  '2026-03-02T20:00:00Z', '2026-03-02T22:00:00Z', 'UTC', 'completed', 'test');
        INSERT INTO maintenance_occurrences (window_id, starts_at, ends_at, planned_ends_at, state, started_at, ended_at)
          SELECT id, starts_at, ends_at, ends_at, 'completed', starts_at, ends_at FROM maintenance_windows;
        INSERT INTO maintenance_muted (occurrence_id, incident_id, muted_at)
          SELECT o.id, i.id, i.starts_at FROM maintenance_occurrences o, incidents i
          WHERE i.alertname = 'BackupRunning' AND i.starts_at < '2026-03-02T21:00:00Z';
        INSERT INTO deployments (service, environment, version, hosts, status, started_at, change, ordered_by, created_by) VALUES
          ('billing', 'prod', '1.2.0', '{db1}', 'succeeded', '2026-03-02T09:00:00Z', 'first', 'semver', 'test'),
          ('search', 'prod', '2.0.0', '{web1}', 'succeeded', '2026-03-02T18:00:00Z', 'first', 'semver', 'test'),
          ('search', 'prod', '1.9.0', '{web1}', 'succeeded', '2026-02-20T18:00:00Z', 'first', 'semver', 'test');
        -- the columns of iris.metrics' table (V17) that the digest reads, in case this branch has no V17
        CREATE TABLE IF NOT EXISTS metric_snapshots (host_id bigint NOT NULL, hostname text NOT NULL, instance text NOT NULL,
          taken_at timestamptz NOT NULL, cpu_busy_pct double precision, mem_used_pct double precision,
          load_per_core double precision, up boolean, disk jsonb NOT NULL DEFAULT '[]', fullest_mountpoint text,
          fullest_disk_pct double precision, state text NOT NULL, breaches jsonb NOT NULL DEFAULT '[]',
          disk_trend_pct_per_day double precision, disk_full_in_days double precision);
        INSERT INTO metric_snapshots (host_id, hostname, instance, taken_at, cpu_busy_pct, mem_used_pct, load_per_core, up, disk,
            fullest_mountpoint, fullest_disk_pct, state, breaches, disk_trend_pct_per_day, disk_full_in_days)
          SELECT id, hostname, 'main', '2026-03-02T12:00:00Z'::timestamptz, 20, 40, 0.5, true,
                 '[{"mountpoint": "/", "used_pct": 91}]'::jsonb, '/', 91, 'critical',
                 '[{"metric": "disk", "level": "critical", "value": 91, "warning": 80, "critical": 90, "mountpoint": "/"}]'::jsonb,
                 1.2, 7.5 FROM hosts WHERE hostname = 'db1'
          UNION ALL
          SELECT id, hostname, 'main', '2026-03-02T11:00:00Z'::timestamptz, 20, 40, 0.5, true, '[{"mountpoint": "/", "used_pct": 88}]'::jsonb,
                 '/', 88, 'warning', '[]'::jsonb, 1.2, 10 FROM hosts WHERE hostname = 'db1'
          UNION ALL
          SELECT id, hostname, 'main', '2026-03-02T12:00:00Z'::timestamptz, 10, 30, 0.2, true, '[{"mountpoint": "/", "used_pct": 40}]'::jsonb,
                 '/', 40, 'ok', '[]'::jsonb, NULL, NULL FROM hosts WHERE hostname = 'web1'
          UNION ALL
          -- outside the period: not read
          SELECT id, hostname, 'main', '2026-03-04T12:00:00Z'::timestamptz, 99, 99, 5, true, '[]'::jsonb,
                 '/', 99, 'critical', '[]'::jsonb, NULL, NULL FROM hosts WHERE hostname = 'web1';
        """);
  }

  private static void incident(StringBuilder sql, String alertname, String severity, String instance, String startsAt, String ackAt,
      String resolvedAt) {
    sql.append(String.format("""
        INSERT INTO incidents (fingerprint, starts_at, ends_at, status, alertname, severity, instance, labels, group_id, acknowledged_at,
          acknowledged_by)
        VALUES (md5(random()::text), '%s', %s, '%s', '%s', '%s', '%s', '{}', 1, %s, %s);
        """, startsAt, resolvedAt == null ? "NULL" : "'" + resolvedAt + "'", resolvedAt == null ? "firing" : "resolved", alertname,
        severity, instance, ackAt == null ? "NULL" : "'" + ackAt + "'", ackAt == null ? "NULL" : "'someone'"));
  }

  private static JsonObject data(String recipient) {
    return dry.get(recipient + "/digest").getJsonObject("data");
  }

  private static JsonObject severity(JsonObject data, String severity) {
    return data.getJsonObject("incidents").getJsonArray("by_severity").stream().map(JsonObject.class::cast)
        .filter(s -> severity.equals(s.getString("severity"))).findFirst().orElseThrow();
  }

  private static JsonObject mean(JsonObject data, String which, String severity) {
    return data.getJsonObject("incidents").getJsonArray(which).stream().map(JsonObject.class::cast)
        .filter(s -> severity.equals(s.getString("severity"))).findFirst().orElseThrow();
  }

  private static JsonObject rule(JsonObject data, String alertname) {
    return data.getJsonArray("noisy_rules").stream().map(JsonObject.class::cast)
        .filter(r -> alertname.equals(r.getString("alertname"))).findFirst().orElseThrow(() -> new AssertionError(alertname + " in " + data.getJsonArray("noisy_rules")));
  }

  private static List<String> kinds(JsonObject rule) {
    return rule.getJsonArray("suggestions").stream().map(s -> ((JsonObject) s).getString("kind")).toList();
  }

  private static List<String> alertnames(JsonObject data) {
    return data.getJsonArray("noisy_rules").stream().map(r -> ((JsonObject) r).getString("alertname")).toList();
  }

  @Test
  void everyoneWhoTakesTheFrequencyGetsOneAndTheOverviewGoesToTheGeneralRecipients() {
    assertEquals(List.of("alice/digest", "bob/digest", "carol/digest", "default/overview", "ops/digest"),
        dry.keySet().stream().sorted().toList(), "dave takes weekly digests");
    assertEquals(new JsonArray().add("maintainer"), dry.get("alice/digest").getJsonArray("segments"));
    assertEquals(new JsonArray().add("service"), dry.get("carol/digest").getJsonArray("segments"));
    assertEquals(new JsonArray().add("infrastructure"), dry.get("ops/digest").getJsonArray("segments"));
    assertEquals(new JsonArray().add("general"), dry.get("default/overview").getJsonArray("segments"));
    JsonObject period = data("alice").getJsonObject("period");
    assertEquals("2026-03-02T00:00:00Z", period.getString("start"));
    assertEquals("2026-03-03T00:00:00Z", period.getString("end"));
    assertEquals("Mon 2 Mar 2026", period.getString("label"));
  }

  @Test
  void aliceSeesHerHostsOnlyWithExactCountsMeansAndSlaFlags() {
    JsonObject a = data("alice");
    assertEquals(new JsonArray().add("db1").add("web2"), a.getJsonObject("scope").getJsonArray("hosts"));
    JsonObject inc = a.getJsonObject("incidents");
    assertEquals(8, inc.getInteger("total"), inc.encodePrettily());
    assertEquals(1, inc.getInteger("previous_total"));
    assertEquals(6, inc.getLong("resolved"));
    assertEquals(2, inc.getLong("open"), "CpuHigh, and Late, which resolved after the period's end");
    assertEquals(new JsonObject().put("severity", "critical").put("total", 2).put("resolved", 2).put("open", 0).put("previous_total", 1),
        severity(a, "critical"));
    assertEquals(new JsonObject().put("severity", "warning").put("total", 6).put("resolved", 4).put("open", 2).put("previous_total", 0),
        severity(a, "warning"));
    // MTTA: 10 and 30 minutes; the day before, 20 minutes
    assertEquals(1200L, mean(a, "mtta", "all").getLong("seconds"));
    assertEquals(2, mean(a, "mtta", "all").getInteger("count"));
    assertEquals(1200L, mean(a, "mtta", "all").getLong("previous_seconds"));
    assertNull(mean(a, "mtta", "warning").getLong("seconds"), "no warning was acknowledged");
    // MTTR: 2 h and 6 h for the criticals, 2 min for each Flappy
    assertEquals(14_400L, mean(a, "mttr", "critical").getLong("seconds"));
    assertEquals(3600L, mean(a, "mttr", "critical").getLong("previous_seconds"));
    assertEquals(120L, mean(a, "mttr", "warning").getLong("seconds"));
    assertEquals((7200 + 21_600 + 4 * 120) / 6L, mean(a, "mttr", "all").getLong("seconds"));
    JsonObject sla = inc.getJsonObject("sla");
    assertEquals(1, sla.getInteger("over_count"));
    assertEquals("HostDown", sla.getJsonArray("over").getJsonObject(0).getString("alertname"));
    assertEquals(21_600L, sla.getJsonArray("over").getJsonObject(0).getLong("took_seconds"));
    assertEquals(14_400L, sla.getJsonArray("over").getJsonObject(0).getLong("limit_seconds"));
    assertEquals(1, sla.getInteger("open_past_count"), "MemLeak, open since 27 Feb; CpuHigh is 14 h into its 24 h");
    assertEquals("MemLeak", sla.getJsonArray("open_past").getJsonObject(0).getString("alertname"));
    // nothing of bob's
    assertFalse(alertnames(a).contains("ApiErrors"));
    assertFalse(alertnames(a).contains("Unowned"));
    assertEquals(0, a.getJsonArray("maintenance").size(), "the window was on bob's host");
    assertEquals(List.of("billing"), a.getJsonArray("deployments").stream().map(d -> ((JsonObject) d).getString("service")).toList());
    assertEquals(List.of("db1"), a.getJsonArray("hosts").stream().map(h -> ((JsonObject) h).getString("hostname")).toList());
    JsonObject db1 = a.getJsonArray("hosts").getJsonObject(0);
    assertEquals("critical", db1.getString("state"));
    assertEquals(7.5, db1.getDouble("disk_full_in_days"));
    assertEquals(new JsonArray().add("disk / 91 % (critical)"), db1.getJsonArray("breaches"), "the latest snapshot's");
  }

  @Test
  void bobAndCarolAndOpsSeeTheirScopes() {
    JsonObject b = data("bob");
    assertEquals(new JsonArray().add("web1"), b.getJsonObject("scope").getJsonArray("hosts"), "web2 is alice's by the host override");
    assertEquals(12, b.getJsonObject("incidents").getInteger("total"));
    assertEquals(300L, mean(b, "mtta", "all").getLong("seconds"));
    assertEquals((2100 + 3 * 600 + 4 * 1200 + 4 * 1230) / 12L, mean(b, "mttr", "all").getLong("seconds"));
    assertEquals(0, b.getJsonObject("incidents").getJsonObject("sla").getInteger("over_count"));
    assertFalse(alertnames(b).contains("Flappy"));
    assertEquals(1, b.getJsonArray("maintenance").size());
    assertEquals("Backup night", b.getJsonArray("maintenance").getJsonObject(0).getString("title"));
    assertEquals(List.of("search"), b.getJsonArray("deployments").stream().map(d -> ((JsonObject) d).getString("service")).toList(),
        "one deployment in the period; the one of 20 Feb is not");
    assertEquals(0, b.getJsonArray("hosts").size(), "web1's snapshot is ok");

    JsonObject c = data("carol");
    assertEquals(new JsonArray().add("db1"), c.getJsonObject("scope").getJsonArray("hosts"));
    assertEquals(7, c.getJsonObject("incidents").getInteger("total"), "billing's incidents on db1, not web2's CpuHigh");
    assertEquals(1, c.getJsonObject("incidents").getInteger("previous_total"));

    JsonObject ops = data("ops");
    assertEquals(21, ops.getJsonObject("incidents").getInteger("total"), "everything, the unowned one too");
    assertTrue(alertnames(ops).size() <= 5);
    JsonObject overview = dry.get("default/overview").getJsonObject("data");
    assertEquals(21, overview.getJsonObject("incidents").getInteger("total"));
    assertEquals(0, overview.getJsonArray("hosts").size(), "the overview leaves hosts to the digests");
  }

  @Test
  void theNoisyRulesComeWithAConcreteSuggestion() {
    JsonObject flappy = rule(data("alice"), "Flappy");
    assertEquals(4, flappy.getInteger("count"));
    assertEquals(0L, flappy.getLong("previous_count"));
    assertEquals(List.of("raise_for", "flaky_or_fix"), kinds(flappy));
    assertEquals("3m", flappy.getString("suggested_for"));
    String text = flappy.getJsonArray("suggestions").getJsonObject(0).getString("text");
    assertTrue(text.contains("4 of 4 fires resolved within 5 min") && text.contains("`for:` to 3m"), text);
    assertTrue(flappy.getJsonArray("suggestions").getJsonObject(1).getString("text").contains("All 4 fires on db1"), flappy.encode());
    assertTrue(flappy.getJsonArray("suggestions").getJsonObject(1).getString("text").contains("/api/v1/hosts/"), flappy.encode());

    JsonObject b = data("bob");
    assertEquals(List.of("ApiErrors", "ApiLatency", "BackupRunning", "HostDown"), alertnames(b));
    JsonObject latency = rule(b, "ApiLatency");
    assertTrue(kinds(latency).contains("inhibit"), latency.encode());
    assertEquals("source_matchers: [alertname=\"ApiErrors\"], target_matchers: [alertname=\"ApiLatency\"], equal: [instance]",
        latency.getJsonObject("co_fires_with").getString("inhibit"));
    JsonObject errors = rule(b, "ApiErrors");
    assertEquals("ApiLatency", errors.getJsonObject("co_fires_with").getString("alertname"));
    assertTrue(errors.getJsonObject("co_fires_with").getString("inhibit").startsWith("source_matchers: [alertname=\"ApiErrors\"]"),
        "ApiErrors comes first, so it is the source either way");
    JsonObject backup = rule(b, "BackupRunning");
    assertEquals(List.of("scope_window"), kinds(backup));
    assertEquals(3, backup.getInteger("during_maintenance"));
    assertEquals(2, backup.getInteger("muted"));
    assertTrue(backup.getJsonArray("suggestions").getJsonObject(0).getString("text").contains("1 went out unmuted; add web1"), backup.encode());
    assertEquals(List.of("review"), kinds(rule(b, "HostDown")), "one fire: no pattern");
  }

  @Test
  void theCardHasTheShapeTeamsAcceptsAndTheEmailBothParts() {
    for (JsonObject d : dry.values()) {
      JsonObject card = d.getJsonObject("card");
      assertEquals(List.of(), AdaptiveCardShape.problems(card), d.getString("recipient"));
      assertTrue(card.toBuffer().length() <= iris.notify.AdaptiveCard.MAX_MESSAGE_BYTES);
    }
    JsonObject alice = dry.get("alice/digest");
    JsonArray body = alice.getJsonObject("card").getJsonArray("attachments").getJsonObject(0).getJsonObject("content").getJsonArray("body");
    assertEquals("Daily digest for alice: Mon 2 Mar 2026", body.getJsonObject(0).getString("text"));
    assertEquals("Warning", body.getJsonObject(0).getString("color"), "something is over its time to resolve");
    assertTrue(body.getJsonObject(1).getString("text").startsWith("Mon 2 Mar 2026: 8 incidents (2 critical, 6 warning)"),
        body.getJsonObject(1).getString("text"));
    JsonArray facts = body.getJsonObject(2).getJsonArray("facts");
    assertEquals(new JsonObject().put("title", "Incidents").put("value", "8 (1 before)"), facts.getJsonObject(0));
    assertEquals(new JsonObject().put("title", "MTTA").put("value", "20 min (20 min before)"), facts.getJsonObject(2));
    assertTrue(alice.getJsonObject("card").encode().contains("**Flappy** · 4 fires (0 before)"));
    assertTrue(alice.getString("html").contains("<h3>Noisiest alert rules, and what to change</h3>"), alice.getString("html"));
    assertTrue(alice.getString("text").contains("- Flappy · 4 fires (0 before): 4 of 4 fires resolved"), alice.getString("text"));
    assertFalse(alice.getString("html").contains("ApiErrors"));
    assertTrue(alice.getString("text").contains("- db1 · critical: disk / 91 % (critical) · / 91.0 %, +1.2 %/day, full in ~8 days"),
        alice.getString("text"));
  }

  @Test
  void theLlmWritesTheNarrativeWhenConfiguredAndTheTemplateWhenItFails() throws Exception {
    try (iris.testing.FakeOllama ollama = new iris.testing.FakeOllama()) {
      DigestStore store = new DigestStore(pool);
      IrisConfig config = IrisConfig.from(ConfigSource.load(null, Map.of()));
      Digests withLlm = new Digests(store, HostHealth.NONE, new Outbox(pool), new Templates(null), config,
          new iris.knowledge.OllamaWriter(io.vertx.ext.web.client.WebClient.create(vertx), ollama.url(), "llama3",
              java.time.Duration.ofSeconds(2)), Clock.systemUTC());
      ollama.answer(new JsonObject().put("summary", "A calm Monday on billing; Flappy wants a longer for."));
      JsonObject d = await(withLlm.run("daily", "alice", Instant.parse("2026-03-03T07:00:00Z"), true)).getJsonArray("digests")
          .getJsonObject(0);
      JsonObject narrative = d.getJsonObject("data").getJsonObject("narrative");
      assertEquals("llm", narrative.getString("generated_by"));
      assertEquals("A calm Monday on billing; Flappy wants a longer for.", narrative.getString("text"));
      assertTrue(d.getString("text").contains("A calm Monday on billing"), "the email says what the LLM wrote");
      String prompt = ollama.requests("/api/chat").get(0).body().encode();
      assertTrue(prompt.contains("Flappy") && !prompt.contains("ApiErrors"), "the facts are alice's only");

      ollama.chatMode(iris.testing.FakeOllama.ChatMode.SERVER_ERROR);
      narrative = await(withLlm.run("daily", "alice", Instant.parse("2026-03-03T07:00:00Z"), true)).getJsonArray("digests")
          .getJsonObject(0).getJsonObject("data").getJsonObject("narrative");
      assertEquals("template", narrative.getString("generated_by"));
      assertTrue(narrative.getString("fallback_reason") != null, narrative.encode());
      assertTrue(narrative.getString("text").startsWith("Mon 2 Mar 2026: 8 incidents"), narrative.encode());
    }
  }

  @Test
  void storedAndQueuedOncePerRecipientAndPeriodHoweverOftenItRuns() throws Exception {
    Instant at = Instant.parse("2026-03-03T07:00:00Z");
    JsonObject first = await(digests.run("daily", null, at, false));
    assertEquals(5, first.getInteger("created"));
    assertTrue(first.getInteger("queries") <= 10, "set-based: " + first.getInteger("queries"));
    // a restarted node: nothing in memory, the same period an hour later
    DigestStore fresh = new DigestStore(pool);
    Digests restarted = new Digests(fresh, new SnapshotHostHealth(fresh), new Outbox(pool), new Templates(null),
        IrisConfig.from(ConfigSource.load(null, Map.of("IRIS_DIGEST_INFRASTRUCTURE_STAKEHOLDERS", "ops",
            "IRIS_DIGEST_GENERAL_RECIPIENTS", "default", "IRIS_DIGEST_GENERAL_FREQUENCY", "daily", "IRIS_EMAIL_TRANSPORT", "smtp",
            "IRIS_EMAIL_SMTP_HOST", "127.0.0.1"))), null, Clock.systemUTC());
    JsonObject again = await(restarted.run("daily", null, at.plusSeconds(3600), false));
    assertEquals(5, again.getJsonArray("digests").size());
    assertEquals(0, again.getInteger("created"), "stored and queued before");
    assertEquals(5, Sql.count(db, "SELECT count(*) FROM digests WHERE period_start = '2026-03-02T00:00:00Z'"));
    // alice takes Teams and email; the others email; the default channel has no address configured
    assertEquals(List.of("alice:email", "alice:teams", "bob:email", "carol:email", "ops:email"),
        Sql.rows(db, "SELECT recipient || ':' || channel AS x FROM deliveries WHERE topic = 'digest:daily:2026-03-02T00:00:00Z' ORDER BY 1")
            .stream().map(r -> (String) r.get("x")).toList());
    long id = first.getJsonArray("digests").stream().map(JsonObject.class::cast).filter(d -> d.getString("recipient").equals("alice"))
        .findFirst().orElseThrow().getLong("id");
    JsonObject stored = await(digests.find(id));
    assertEquals("https://iris.example.org/api/v1/digests/" + id + "/html", stored.getJsonObject("data").getString("report_url"));
    assertEquals(8, stored.getJsonObject("data").getJsonObject("incidents").getInteger("total"));
    JsonObject payload = new JsonObject(String.valueOf(Sql.rows(db,
        "SELECT payload::text AS p FROM deliveries WHERE recipient = 'alice' AND channel = 'teams' AND topic LIKE 'digest:%'").get(0).get("p")));
    JsonObject card = payload.getJsonObject("card");
    assertEquals(List.of(), AdaptiveCardShape.problems(card));
    assertTrue(card.encode().contains("\"url\":\"https://iris.example.org/api/v1/digests/" + id + "/html\""), card.encode());
    assertNull(payload.getString("html"), "the Teams row carries only the card");
  }
}
