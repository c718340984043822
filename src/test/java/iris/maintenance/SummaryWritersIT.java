package iris.maintenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.knowledge.OllamaWriter;
import iris.testing.FakeOllama;
import iris.testing.FakeOllama.ChatMode;
import iris.testing.FakeTeams;
import iris.testing.Http;
import iris.testing.Knowledge;
import iris.testing.TestIris;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * With IRIS_OLLAMA_URL set (a local server speaking Ollama's API), the end-of-window summary and
 * a deployment's change summary are written by the LLM from a bounded prompt of Iris's facts, and
 * fall back to the template, saying why, when it answers 500 or too late; the window summary lists
 * the deployments made during the window either way.
 */
class SummaryWritersIT {
  private static FakeOllama ollama;
  private static FakeTeams teams;
  private static TestIris iris;

  @BeforeAll
  static void start() throws Exception {
    ollama = new FakeOllama();
    teams = new FakeTeams();
    iris = TestIris.start(Map.of("IRIS_OLLAMA_URL", ollama.url(), "IRIS_OLLAMA_TIMEOUT_MS", "1500",
        "IRIS_PIPELINE_POLL_MS", "200", "IRIS_NOTIFY_RETRY_BASE_SECONDS", "1"));
    created("/api/v1/maintainers", new JsonObject().put("name", "efua").put("teams_webhook_url", teams.webhookUrl("efua")));
    created("/api/v1/services", new JsonObject().put("name", "ledger").put("maintainers", new JsonArray().add("efua")));
    created("/api/v1/services", new JsonObject().put("name", "queue").put("maintainers", new JsonArray().add("efua")));
    created("/api/v1/hosts", new JsonObject().put("hostname", "ldg1").put("services", new JsonArray().add("ledger")));
    created("/api/v1/hosts", new JsonObject().put("hostname", "q1").put("services", new JsonArray().add("queue")));
  }

  @AfterAll
  static void stop() throws Exception {
    iris.close();
    teams.close();
    ollama.close();
  }

  @BeforeEach
  void answerWell() {
    ollama.chatMode(ChatMode.ANSWER);
  }

  private static JsonObject created(String path, JsonObject body) {
    Http.Response r = iris.api("POST", path, body.encode());
    assertEquals(201, r.status(), r.body());
    return r.json();
  }

  private static List<FakeTeams.Post> cards(String text) {
    return teams.posts().stream().filter(p -> p.raw().contains(text)).toList();
  }

  private static JsonObject deployment(String service, String host, String version, String... messages) {
    JsonArray commits = new JsonArray();
    for (int i = 0; i < messages.length; i++) {
      commits.add(new JsonObject().put("sha", "c0ffee" + i).put("message", messages[i]).put("author", "yaw"));
    }
    return new JsonObject().put("service", service).put("environment", "prod").put("version", version)
        .put("hosts", new JsonArray().add(host)).put("deployed_by", "ci").put("status", "succeeded").put("commits", commits);
  }

  /** An emergency window over {@code host}, a deployment in it, the window ended: its summary card and the summary event. */
  private static JsonObject windowWithADeployment(String title, String host, String service, String version) {
    JsonObject window = created("/api/v1/maintenance-windows", new JsonObject().put("title", title).put("type", "emergency")
        .put("scope", new JsonObject().put("hosts", new JsonArray().add(host))).put("ends_at", Instant.now().plusSeconds(3600).toString()));
    assertEquals("active", window.getString("state"));
    created("/api/v1/deployments", deployment(service, host, version, "fix: close idle connections"));
    Http.Response ended = iris.api("POST", "/api/v1/maintenance-windows/" + window.getLong("id") + "/end", "{}");
    assertEquals(200, ended.status(), ended.body());
    JsonArray history = iris.api("GET", "/api/v1/maintenance-windows/" + window.getLong("id"), null).json().getJsonArray("history");
    return history.stream().map(JsonObject.class::cast).filter(e -> "summary".equals(e.getString("action"))).findFirst()
        .orElseThrow(() -> new AssertionError("no summary event: " + history.encode()));
  }

  @Test
  void theLlmWritesTheWindowSummaryFromItsFactsAndTheDeploymentsMadeInIt() throws Exception {
    ollama.answer(new JsonObject().put("summary", "The patching of ldg1 went quietly; ledger 5.1.0 shipped during it."));
    int before = ollama.requests("/api/chat").size();
    JsonObject event = windowWithADeployment("Patch ledger host", "ldg1", "ledger", "5.1.0");
    assertEquals("llm", event.getJsonObject("detail").getString("generated_by"), event.encode());
    assertEquals("llama3", event.getJsonObject("detail").getString("model"));

    List<FakeOllama.Request> chats = ollama.requests("/api/chat").subList(before, ollama.requests("/api/chat").size());
    JsonObject summaryChat = chats.stream().map(FakeOllama.Request::body)
        .filter(b -> b.getJsonArray("messages").getJsonObject(0).getString("content").contains("end-of-maintenance")).findFirst()
        .orElseThrow(() -> new AssertionError("no summary request among " + chats));
    String prompt = summaryChat.getJsonArray("messages").getJsonObject(1).getString("content");
    assertTrue(prompt.contains("DEPLOYMENTS DURING THE WINDOW (1)") && prompt.contains("ledger 5.1.0 to prod by ci"), prompt);
    assertTrue(prompt.length() <= OllamaWriter.PROMPT_CHARS + 10, "the prompt is bounded");
    assertEquals(false, summaryChat.getBoolean("stream"));
    assertEquals(OllamaWriter.OUTPUT_TOKENS, summaryChat.getJsonObject("options").getInteger("num_predict"));

    Knowledge.await("the summary card", 30_000, () -> !cards("Maintenance ended: Patch ledger host").isEmpty());
    FakeTeams.Post card = cards("Maintenance ended: Patch ledger host").get(0);
    assertTrue(card.raw().contains("The patching of ldg1 went quietly; ledger 5.1.0 shipped during it."), card.raw());
    assertTrue(card.raw().contains("llm (llama3)"), card.raw());
    assertTrue(card.raw().contains("ledger 5.1.0 to prod by ci"), "the deployments are a fact of the card too: " + card.raw());
    assertEquals(List.of(), card.shapeProblems());
  }

  @Test
  void aFailingLlmLeavesTheWindowSummaryToTheTemplateWhichListsTheDeploymentsAndSaysWhy() throws Exception {
    ollama.chatMode(ChatMode.SERVER_ERROR);
    JsonObject event = windowWithADeployment("Patch queue host", "q1", "queue", "1.4.0");
    JsonObject detail = event.getJsonObject("detail");
    assertEquals("template", detail.getString("generated_by"), event.encode());
    assertTrue(detail.getString("fallback_reason").contains("500")
        && detail.getString("fallback_reason").contains("llama runner process has terminated"), event.encode());
    assertNull(detail.getString("model"));

    Knowledge.await("the summary card", 30_000, () -> !cards("Maintenance ended: Patch queue host").isEmpty());
    String card = cards("Maintenance ended: Patch queue host").get(0).raw();
    assertTrue(card.contains("Deployed during the window: queue 1.4.0 to prod by ci ("), card);
    assertTrue(card.contains("template (LLM failed: Ollama answered 500"), card);
  }

  @Test
  void theLlmWritesTheChangeSummaryOfADeployment() throws Exception {
    ollama.answer(new JsonObject().put("summary", "Ledger now settles in batches and no longer double-counts refunds."));
    created("/api/v1/deployments", deployment("ledger", "ldg1", "6.0.0", "feat: batch settlement"));
    JsonObject d = created("/api/v1/deployments", deployment("ledger", "ldg1", "6.1.0", "feat: settle in batches",
        "fix(refunds): count once"));
    assertEquals("llm", d.getString("summary_generated_by"), d.encode());
    assertEquals("llama3", d.getString("summary_model"));
    assertNull(d.getString("summary_fallback_reason"));
    assertEquals("Ledger now settles in batches and no longer double-counts refunds.", d.getString("change_summary"));
    String prompt = ollama.requests("/api/chat").stream().map(FakeOllama.Request::body)
        .filter(b -> b.getJsonArray("messages").getJsonObject(1).getString("content").contains("ledger 6.0.0 -> 6.1.0"))
        .findFirst().orElseThrow().getJsonArray("messages").getJsonObject(1).getString("content");
    assertTrue(prompt.contains("- feat: settle in batches") && prompt.contains("- fix(refunds): count once"), prompt);

    Knowledge.await("the deployment card", 30_000, () -> !cards("6.0.0 → 6.1.0, minor upgrade").isEmpty());
    FakeTeams.Post card = cards("6.0.0 → 6.1.0, minor upgrade").get(0);
    assertTrue(card.raw().contains("no longer double-counts refunds") && card.raw().contains("llm (llama3)"), card.raw());
    assertEquals(List.of(), card.shapeProblems());
    assertEquals("llm", iris.api("GET", "/api/v1/deployments/" + d.getLong("id"), null).json().getString("summary_generated_by"));
  }

  @Test
  void aServerErrorOrATimeoutLeavesTheChangeSummaryToTheTemplateWithTheReason() throws Exception {
    ollama.chatMode(ChatMode.SERVER_ERROR);
    JsonObject failed = created("/api/v1/deployments", deployment("queue", "q1", "2.0.0", "feat!: drop the v1 protocol",
        "fix: ack after write"));
    assertEquals("template", failed.getString("summary_generated_by"), failed.encode());
    assertTrue(failed.getString("summary_fallback_reason").contains("500"), failed.encode());
    assertEquals("Breaking changes: drop the v1 protocol. Fixes: ack after write.", failed.getString("change_summary"));
    Knowledge.await("the deployment card", 30_000, () -> !cards("queue 2.0.0 deployed to prod").isEmpty());
    String card = cards("queue 2.0.0 deployed to prod").get(0).raw();
    assertTrue(card.contains("template (LLM failed: Ollama answered 500") && card.contains("drop the v1 protocol"), card);

    ollama.chatMode(ChatMode.SLOW);
    ollama.slowMillis(4000);
    JsonObject slow = created("/api/v1/deployments", deployment("queue", "q1", "2.0.1", "fix: retry on reset"));
    assertEquals("template", slow.getString("summary_generated_by"), slow.encode());
    String reason = slow.getString("summary_fallback_reason").toLowerCase();
    assertTrue(reason.contains("timeout") || reason.contains("timed out"), slow.encode());
    assertEquals("Fixes: retry on reset.", slow.getString("change_summary"));
  }
}
