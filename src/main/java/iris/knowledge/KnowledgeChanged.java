package iris.knowledge;

import io.vertx.core.json.JsonObject;
import iris.EventAddress;

/**
 * {@code iris.knowledge.changed}: a document's vectors changed; {@code origin} is the vector
 * store instance that wrote them (it has them already).
 */
public record KnowledgeChanged(long documentId, String origin) implements EventAddress.Body {

  public static KnowledgeChanged fromJson(JsonObject json) {
    return new KnowledgeChanged(json.getLong("document_id"), json.getString("origin"));
  }

  @Override
  public JsonObject toJson() {
    return new JsonObject().put("document_id", documentId).put("origin", origin);
  }
}
