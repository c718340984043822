package iris.enrich;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import iris.knowledge.OllamaChat;
import iris.knowledge.SearchResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Ollama's {@code POST /api/chat}, non-streaming, with a JSON schema for the answer. The prompt
 * holds only the alert and what retrieval found, so the model explains from the team's own
 * documents. Any failure (timeout, HTTP error, output that is not the asked-for JSON) fails
 * the future; the caller falls back to the template.
 */
public final class OllamaNarrator implements Narrator {
  static final String SYSTEM = """
      You are Iris, an assistant for on-call site reliability engineers. Write the notification for \
      the alert below using ONLY the context given: runbooks, past incidents, infrastructure notes and \
      recent incidents. Do not invent commands, hosts or facts that the context does not support; if \
      the context does not cover the alert, say so in the summary. Answer with one JSON object: \
      {"summary": one or two sentences on what is happening and its impact, \
      "probable_cause": the most likely cause, \
      "remediation": ordered list of concrete steps, \
      "references": list of the context document labels you used, like "R1" or "P2"}.""";

  private static final JsonObject SCHEMA = new JsonObject()
      .put("type", "object")
      .put("properties", new JsonObject()
          .put("summary", new JsonObject().put("type", "string"))
          .put("probable_cause", new JsonObject().put("type", "string"))
          .put("remediation", new JsonObject().put("type", "array").put("items", new JsonObject().put("type", "string")))
          .put("references", new JsonObject().put("type", "array").put("items", new JsonObject().put("type", "string"))))
      .put("required", new JsonArray().add("summary").add("probable_cause").add("remediation").add("references"));

  private static final int RUNBOOK_CHARS = 6000;

  private final OllamaChat chat;
  private final String model;

  public OllamaNarrator(WebClient client, String url, String model, Duration timeout) {
    this.chat = new OllamaChat(client, url, model, timeout);
    this.model = model;
  }

  @Override
  public Future<Narrative> write(AlertContext alert, Retrieved context) {
    return chat.content(SYSTEM, prompt(alert, context), SCHEMA, new JsonObject().put("temperature", 0.2)).compose(content -> {
      try {
        return Future.succeededFuture(Narrative.parse(content, "llm", model));
      } catch (IllegalArgumentException e) {
        return Future.failedFuture("unusable LLM output: " + e.getMessage());
      }
    });
  }

  /** The user message: the alert, then each context document under a short label to cite. */
  static String prompt(AlertContext alert, Retrieved context) {
    StringBuilder p = new StringBuilder("ALERT\n");
    for (Map.Entry<String, Object> e : alert.toModel().entrySet()) {
      p.append(e.getKey()).append(": ").append(e.getValue()).append('\n');
    }
    p.append("labels: ").append(alert.labels().encode()).append("\n\n");
    if (!context.owner().isEmpty()) {
      p.append("REGISTRY (host, services, maintainers, active tags)\n").append(context.owner().encode()).append("\n\n");
    }
    if (!context.deployments().isEmpty()) {
      p.append("RECENT DEPLOYMENTS (this alert may follow them)\n");
      context.deployments().forEach(d -> p.append("- ").append(d.getString("text")).append('\n'));
      p.append('\n');
    }
    if (!context.hostLines().isEmpty()) {
      p.append("HOST METRICS (its latest snapshot from Prometheus)\n");
      context.hostLines().forEach(line -> p.append("- ").append(line).append('\n'));
      p.append('\n');
    }
    section(p, "RUNBOOKS", "R", context.runbooks(), context.bestRunbookContent());
    section(p, "PAST INCIDENTS", "P", context.pastIncidents(), null);
    section(p, "INFRASTRUCTURE", "I", context.infrastructure(), null);
    if (!context.recentOnInstance().isEmpty()) {
      p.append("RECENT INCIDENTS ON THIS INSTANCE\n");
      for (JsonObject recent : context.recentOnInstance()) {
        p.append("- ").append(recent.getString("alertname")).append(" (").append(recent.getString("status"))
            .append(", started ").append(recent.getString("starts_at")).append(")\n");
      }
    }
    return p.toString();
  }

  private static void section(StringBuilder p, String heading, String label, List<SearchResult> docs, String firstFull) {
    if (docs.isEmpty()) {
      return;
    }
    p.append(heading).append('\n');
    for (int i = 0; i < docs.size(); i++) {
      SearchResult doc = docs.get(i);
      p.append('[').append(label).append(i + 1).append("] ").append(doc.title()).append('\n');
      String text = i == 0 && firstFull != null ? firstFull : doc.text();
      p.append(text.length() > RUNBOOK_CHARS ? text.substring(0, RUNBOOK_CHARS) : text).append("\n\n");
    }
  }
}
