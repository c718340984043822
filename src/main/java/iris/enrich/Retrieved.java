package iris.enrich;

import io.vertx.core.json.JsonObject;
import iris.knowledge.SearchResult;
import java.util.List;

/**
 * The context found for one alert: documents of the three collections, best first, the full
 * text of the best runbook, the latest incidents on the same instance, the deployments it may
 * follow, and how its host is doing ({@code iris.metrics.HostHealth}: empty when unknown).
 */
public record Retrieved(List<SearchResult> runbooks, List<SearchResult> pastIncidents,
                        List<SearchResult> infrastructure, String bestRunbookContent,
                        List<JsonObject> recentOnInstance, JsonObject owner, List<JsonObject> deployments,
                        JsonObject hostHealth) {

  public Retrieved {
    hostHealth = hostHealth == null ? new JsonObject() : hostHealth;
  }

  public Retrieved(List<SearchResult> runbooks, List<SearchResult> pastIncidents, List<SearchResult> infrastructure,
      String bestRunbookContent, List<JsonObject> recentOnInstance, JsonObject owner, List<JsonObject> deployments) {
    this(runbooks, pastIncidents, infrastructure, bestRunbookContent, recentOnInstance, owner, deployments, new JsonObject());
  }

  /** The host-health lines ("disk / 91 % (critical), +1.2 %/day, full in ~7 days"); none when unknown. */
  public List<String> hostLines() {
    return hostHealth.getJsonArray("lines", new io.vertx.core.json.JsonArray()).stream().map(String::valueOf).toList();
  }

  public Retrieved(List<SearchResult> runbooks, List<SearchResult> pastIncidents, List<SearchResult> infrastructure,
      String bestRunbookContent, List<JsonObject> recentOnInstance, JsonObject owner) {
    this(runbooks, pastIncidents, infrastructure, bestRunbookContent, recentOnInstance, owner, List.of());
  }

  public SearchResult bestRunbook() {
    return runbooks.isEmpty() ? null : runbooks.get(0);
  }
}
