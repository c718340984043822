package iris.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import iris.testing.FakeOllama;
import iris.testing.FakeOllama.ChatMode;
import iris.testing.Knowledge;
import iris.testing.Payloads;
import iris.testing.Sql;
import iris.testing.TestIris;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * With IRIS_OLLAMA_URL set: embeddings and narratives come from Ollama's API (a local server
 * speaking its wire format), and every way the LLM can fail falls back to the template.
 */
class OllamaEnrichmentIT {
  private static FakeOllama ollama;
  private static TestIris iris;
  private static String db;
  private static final AtomicInteger GROUPS = new AtomicInteger();
  private static final Instant T0 = Instant.parse("2026-11-21T08:00:00Z");

  @BeforeAll
  static void start() throws Exception {
    ollama = new FakeOllama();
    iris = TestIris.start(Map.of("IRIS_OLLAMA_URL", ollama.url(), "IRIS_OLLAMA_TIMEOUT_MS", "1500",
        "IRIS_ENRICH_CONCURRENCY", "1"));
    db = iris.env.get("IRIS_DB_URL");
    Knowledge.importRunbooks(iris, "HostOutOfMemory", "PostgresqlDeadLocks", "HostOutOfDiskSpace");
  }

  @AfterAll
  static void stop() throws Exception {
    iris.close();
    ollama.close();
  }

  @BeforeEach
  void answerWell() {
    ollama.chatMode(ChatMode.ANSWER);
  }

  /** Sends one HostOutOfMemory alert in a new group and returns its enrichment once stored. */
  private static JsonObject enrichOne() throws Exception {
    int n = GROUPS.incrementAndGet();
    String fp = "fp-llm-" + n;
    iris.webhook(Payloads.webhook("{}:{n=\"" + n + "\"}", Payloads.firing(fp, "HostOutOfMemory", "node-" + n + ":9100", T0)).encode());
    long id = ((Number) Sql.rows(db, "SELECT id FROM incidents WHERE fingerprint = ?", fp).get(0).get("id")).longValue();
    // past enrichment: the notifier may already have moved it on
    Knowledge.await("enrichment", 30_000, () -> !"received".equals(
        Sql.rows(db, "SELECT pipeline_state FROM incidents WHERE id = ?", id).get(0).get("pipeline_state")));
    return iris.api("GET", "/api/v1/incidents/" + id, null).json().getJsonObject("enrichment");
  }

  @Test
  void documentsAreEmbeddedByOllamaWithTheModelRecorded() {
    FakeOllama.Request embed = ollama.requests("/api/embed").get(0);
    assertEquals("nomic-embed-text", embed.body().getString("model"));
    assertTrue(embed.body().getJsonArray("input").size() >= 1);
    assertEquals(0, Sql.count(db, "SELECT count(*) FROM knowledge_chunks WHERE embedding_model IS DISTINCT FROM 'ollama/nomic-embed-text' OR embedding_dim <> 768"));
    assertTrue(Sql.count(db, "SELECT count(*) FROM knowledge_chunks") > 0);
  }

  @Test
  void theLlmWritesFromAPromptHoldingTheRetrievedContext() throws Exception {
    int before = ollama.requests("/api/chat").size();
    JsonObject enrichment = enrichOne();
    assertEquals("llm", enrichment.getString("generated_by"));
    assertEquals("llama3", enrichment.getString("model"));
    assertEquals("Memory on the host is nearly exhausted.", enrichment.getString("summary"));
    assertEquals(List.of("Find the largest process", "Restart it"), enrichment.getJsonArray("remediation").getList());

    JsonObject chat = ollama.requests("/api/chat").get(before).body();
    assertEquals("llama3", chat.getString("model"));
    assertEquals(false, chat.getBoolean("stream"));
    assertEquals("object", chat.getJsonObject("format").getString("type"));
    String prompt = chat.getJsonArray("messages").getJsonObject(1).getString("content");
    assertTrue(prompt.contains("name: HostOutOfMemory"), prompt);
    String runbook = java.nio.file.Files.readString(Knowledge.RUNBOOKS.resolve("HostOutOfMemory.md"));
    String firstStep = RunbookSections.parse(runbook).remediation().get(0);
    assertTrue(prompt.contains("[R1] HostOutOfMemory:"), "the best runbook is labelled for citing");
    assertTrue(prompt.contains(firstStep), "the prompt carries the runbook's remediation text");
    assertTrue(chat.getJsonArray("messages").getJsonObject(0).getString("content").contains("ONLY the context"));
  }

  @Test
  void thePromptSaysHowTheHostIsDoing() throws Exception {
    long hostId = iris.api("POST", "/api/v1/hosts", new JsonObject().put("hostname", "mem-1").encode()).json().getLong("id");
    Sql.rows(db, """
        INSERT INTO metric_snapshots (host_id, hostname, instance, taken_at, cpu_busy_pct, mem_used_pct, state, breaches)
        VALUES (?, 'mem-1', 'default', now(), 35, 96.4, 'critical',
          '[{"metric": "memory", "level": "critical", "value": 96.4, "warning": 85, "critical": 95}]') RETURNING id""", hostId);
    int before = ollama.requests("/api/chat").size();
    iris.webhook(Payloads.webhook("{}:{host=\"mem-1\"}", Payloads.firing("fp-llm-mem-1", "HostOutOfMemory", "mem-1:9100", T0)).encode());
    long id = ((Number) Sql.rows(db, "SELECT id FROM incidents WHERE fingerprint = 'fp-llm-mem-1'").get(0).get("id")).longValue();
    Knowledge.await("enrichment", 30_000, () -> !"received".equals(
        Sql.rows(db, "SELECT pipeline_state FROM incidents WHERE id = ?", id).get(0).get("pipeline_state")));
    String prompt = ollama.requests("/api/chat").get(before).body().getJsonArray("messages").getJsonObject(1).getString("content");
    assertTrue(prompt.contains("HOST METRICS (its latest snapshot from Prometheus)\n- memory 96 % (critical)\n"), prompt);
  }

  @Test
  void aTimeoutFallsBackToTheTemplate() throws Exception {
    ollama.chatMode(ChatMode.SLOW);
    ollama.slowMillis(4000);
    JsonObject enrichment = enrichOne();
    assertEquals("template", enrichment.getString("generated_by"));
    assertTrue(enrichment.getString("fallback_reason").toLowerCase().contains("timeout")
        || enrichment.getString("fallback_reason").toLowerCase().contains("timed out"), enrichment.encode());
    assertFalse(enrichment.getJsonArray("remediation").isEmpty(), "the template still gives the runbook's steps");
  }

  @Test
  void aModelThatIsNotPulledFallsBackToTheTemplate() throws Exception {
    ollama.chatMode(ChatMode.MODEL_NOT_FOUND);
    JsonObject enrichment = enrichOne();
    assertEquals("template", enrichment.getString("generated_by"));
    assertTrue(enrichment.getString("fallback_reason").contains("404"), enrichment.encode());
    assertTrue(enrichment.getString("fallback_reason").contains("not found, try pulling it first"), enrichment.encode());
  }

  @Test
  void garbageOutputFallsBackToTheTemplate() throws Exception {
    ollama.chatMode(ChatMode.GARBAGE);
    JsonObject enrichment = enrichOne();
    assertEquals("template", enrichment.getString("generated_by"));
    assertTrue(enrichment.getString("fallback_reason").contains("unusable LLM output"), enrichment.encode());
  }

  @Test
  void underAStormEnrichmentSkipsTheLlmAndDropsNothingAndUsesItAgainAfter() throws Exception {
    ollama.chatMode(ChatMode.ANSWER);
    // A node whose intake counts as a storm from 50 alerts a second.
    try (TestIris stormy = TestIris.start(Map.of("IRIS_OLLAMA_URL", ollama.url(), "IRIS_OLLAMA_TIMEOUT_MS", "1500",
        "IRIS_PIPELINE_YIELD_ABOVE_ALERTS_PER_SECOND", "50"))) {
      String stormDb = stormy.env.get("IRIS_DB_URL");
      JsonObject[] alerts = new JsonObject[60];
      for (int i = 0; i < alerts.length; i++) {
        alerts[i] = Payloads.firing("fp-storm-" + i, "HostOutOfDiskSpace", "s-" + i + ":9100", T0);
      }
      assertEquals(200, stormy.webhook(Payloads.webhook("{}:{storm=\"1\"}", alerts).encode()).status());
      Knowledge.await("all sixty enriched", 30_000, () -> Sql.count(stormDb,
          "SELECT count(*) FROM incidents WHERE fingerprint LIKE 'fp-storm-%' AND enrichment_id IS NOT NULL") == 60);
      List<Map<String, Object>> rows = Sql.rows(stormDb, "SELECT DISTINCT e.generated_by, e.result->>'degraded' AS degraded "
          + "FROM incidents i JOIN enrichments e ON e.id = i.enrichment_id WHERE i.fingerprint LIKE 'fp-storm-%'");
      assertEquals(1, rows.size(), rows.toString());
      assertEquals("template", rows.get(0).get("generated_by"));
      assertTrue(String.valueOf(rows.get(0).get("degraded")).contains("storm"), rows.toString());

      Thread.sleep(2100); // two quiet seconds: the storm is over
      assertEquals(200, stormy.webhook(Payloads.webhook("{}:{storm=\"2\"}",
          Payloads.firing("fp-calm-1", "HostOutOfDiskSpace", "calm:9100", T0)).encode()).status());
      Knowledge.await("enriched after the storm", 30_000, () -> Sql.count(stormDb,
          "SELECT count(*) FROM incidents WHERE fingerprint = 'fp-calm-1' AND enrichment_id IS NOT NULL") == 1);
      assertEquals("llm", Sql.rows(stormDb, "SELECT e.generated_by FROM incidents i JOIN enrichments e ON e.id = i.enrichment_id "
          + "WHERE i.fingerprint = 'fp-calm-1'").get(0).get("generated_by"));
    }
  }
}
