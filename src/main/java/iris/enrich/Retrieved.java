package iris.enrich;

import io.vertx.core.json.JsonObject;
import iris.knowledge.SearchResult;
import java.util.List;

/**
 * The context found for one alert: documents of the three collections, best first, the full
 * text of the best runbook, and the latest incidents on the same instance.
 */
public record Retrieved(List<SearchResult> runbooks, List<SearchResult> pastIncidents,
                        List<SearchResult> infrastructure, String bestRunbookContent,
                        List<JsonObject> recentOnInstance, JsonObject owner) {

  public SearchResult bestRunbook() {
    return runbooks.isEmpty() ? null : runbooks.get(0);
  }
}
