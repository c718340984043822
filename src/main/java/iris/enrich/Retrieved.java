package iris.enrich;

import io.vertx.core.json.JsonObject;
import iris.knowledge.SearchResult;
import java.util.List;

/**
 * The context found for one alert: documents of the three collections, best first, the full
 * text of the best runbook, the latest incidents on the same instance, and the deployments it may follow.
 */
public record Retrieved(List<SearchResult> runbooks, List<SearchResult> pastIncidents,
                        List<SearchResult> infrastructure, String bestRunbookContent,
                        List<JsonObject> recentOnInstance, JsonObject owner, List<JsonObject> deployments) {

  public Retrieved(List<SearchResult> runbooks, List<SearchResult> pastIncidents, List<SearchResult> infrastructure,
      String bestRunbookContent, List<JsonObject> recentOnInstance, JsonObject owner) {
    this(runbooks, pastIncidents, infrastructure, bestRunbookContent, recentOnInstance, owner, List.of());
  }

  public SearchResult bestRunbook() {
    return runbooks.isEmpty() ? null : runbooks.get(0);
  }
}
