package iris.knowledge;

import io.weaviate.client.WeaviateClient;
import io.weaviate.client.base.Result;
import io.weaviate.client.v1.misc.model.DistanceType;
import io.weaviate.client.v1.misc.model.VectorIndexConfig;
import io.weaviate.client.v1.schema.model.DataType;
import io.weaviate.client.v1.schema.model.Property;
import io.weaviate.client.v1.schema.model.Tokenization;
import io.weaviate.client.v1.schema.model.WeaviateClass;
import java.util.List;
import java.util.Objects;

/**
 * The Weaviate class behind each knowledge collection: vectors come from Iris (no
 * vectorizer), compared by cosine distance, with the ids and the model as properties.
 * Blocking; called on a worker thread.
 */
final class WeaviateSchema {
  static final String CHUNK_ID = "chunkId";
  static final String DOCUMENT_ID = "documentId";
  static final String MODEL = "model";

  private WeaviateSchema() {}

  static WeaviateClass classFor(KnowledgeCollection collection) {
    return WeaviateClass.builder()
        .className(collection.weaviateClass())
        .description("Iris knowledge chunks: " + collection.id())
        .vectorizer("none")
        .vectorIndexConfig(VectorIndexConfig.builder().distance(DistanceType.COSINE).build())
        .properties(List.of(
            property(CHUNK_ID, DataType.INT),
            property(DOCUMENT_ID, DataType.INT),
            // Whole-value tokens: with the default word tokenization an Equal filter on
            // "all-minilm-l6-v2" would also match "all-minilm-l6-v2-q".
            Property.builder().name(MODEL).dataType(List.of(DataType.TEXT))
                .tokenization(Tokenization.FIELD).build()))
        .build();
  }

  /** Creates the collection's class unless it exists; refuses an existing class that would give wrong answers. */
  static void ensure(WeaviateClient client, KnowledgeCollection collection) {
    String name = collection.weaviateClass();
    WeaviateClass existing = existing(client, name);
    if (existing != null) {
      checkCompatible(existing);
      return;
    }
    Result<Boolean> created = client.schema().classCreator().withClass(classFor(collection)).run();
    if (created.hasErrors() || !Boolean.TRUE.equals(created.getResult())) {
      // Another node may have created it between our check and our create.
      if (existing(client, name) != null) {
        return;
      }
      throw new WeaviateException("could not create class " + name, created.getError());
    }
  }

  private static WeaviateClass existing(WeaviateClient client, String name) {
    Result<WeaviateClass> found = client.schema().classGetter().withClassName(name).run();
    if (found.hasErrors()) {
      throw new WeaviateException("could not read class " + name, found.getError());
    }
    return found.getResult(); // null when Weaviate answers 404
  }

  private static void checkCompatible(WeaviateClass existing) {
    String name = existing.getClassName();
    VectorIndexConfig index = existing.getVectorIndexConfig();
    if (index != null && index.getDistance() != null && !DistanceType.COSINE.equals(index.getDistance())) {
      throw new WeaviateException("class " + name + " uses distance " + index.getDistance()
          + "; Iris needs cosine (drop the class to let Iris recreate it)");
    }
    List<Property> properties = Objects.requireNonNullElse(existing.getProperties(), List.of());
    properties.stream()
        .filter(p -> MODEL.equals(p.getName()))
        .filter(p -> p.getTokenization() != null && !Tokenization.FIELD.equals(p.getTokenization()))
        .findFirst()
        .ifPresent(p -> {
          throw new WeaviateException("class " + name + " tokenizes property model as " + p.getTokenization()
              + "; Iris needs field, or searches could mix models (drop the class to let Iris recreate it)");
        });
  }

  private static Property property(String name, String dataType) {
    return Property.builder().name(name).dataType(List.of(dataType)).build();
  }
}
