package iris.knowledge;

import java.util.Arrays;
import java.util.Optional;

/** The three collections of the knowledge base. */
public enum KnowledgeCollection {
  RUNBOOKS("runbooks", "IrisRunbook"),
  INCIDENTS("incidents", "IrisIncident"),
  INFRASTRUCTURE("infrastructure", "IrisInfrastructure");

  private final String id;
  private final String weaviateClass;

  KnowledgeCollection(String id, String weaviateClass) {
    this.id = id;
    this.weaviateClass = weaviateClass;
  }

  /** The name used in URLs, JSON and the database. */
  public String id() {
    return id;
  }

  /** The Weaviate class that holds this collection's vectors. */
  public String weaviateClass() {
    return weaviateClass;
  }

  public static Optional<KnowledgeCollection> fromId(String id) {
    return Arrays.stream(values()).filter(c -> c.id.equals(id)).findFirst();
  }
}
