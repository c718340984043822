package iris.knowledge;

import io.vertx.core.json.JsonObject;
import java.util.List;

/** A document found by hybrid search, with the chunk that matched best. */
public record SearchResult(long documentId, KnowledgeCollection collection, String title, double score,
                           String heading, String text, List<String> tags, Long incidentId) {

  private static final int SNIPPET_CHARS = 280;

  public String snippet() {
    if (text.length() <= SNIPPET_CHARS) {
      return text;
    }
    int cut = text.lastIndexOf(' ', SNIPPET_CHARS);
    return text.substring(0, cut > SNIPPET_CHARS / 2 ? cut : SNIPPET_CHARS) + "…";
  }

  public JsonObject toJson() {
    return new JsonObject().put("id", documentId).put("collection", collection.id()).put("title", title)
        .put("score", Math.round(score * 10_000) / 10_000.0).put("snippet", snippet());
  }
}
