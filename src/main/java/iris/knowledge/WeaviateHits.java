package iris.knowledge;

import static iris.knowledge.WeaviateSchema.CHUNK_ID;
import static iris.knowledge.WeaviateSchema.DOCUMENT_ID;

import io.weaviate.client.v1.graphql.model.GraphQLError;
import io.weaviate.client.v1.graphql.model.GraphQLResponse;
import java.util.List;
import java.util.Map;

/**
 * Reads the hits of one class out of a GraphQL Get answer. The client hands the data over
 * as untyped maps (numbers as doubles), shaped {@code {"Get": {"<Class>": [{...}]}}}.
 */
final class WeaviateHits {
  private WeaviateHits() {}

  static List<VectorHit> from(GraphQLResponse<?> response, KnowledgeCollection collection) {
    String className = collection.weaviateClass();
    if (response == null) {
      throw new WeaviateException("search in class " + className + " got no answer");
    }
    GraphQLError[] errors = response.getErrors();
    if (errors != null && errors.length > 0) {
      // A GraphQL answer is 200 even when the query failed; the errors say why.
      throw new WeaviateException("search in class " + className + " failed: " + errors[0].getMessage());
    }
    Object objects = map(map(response.getData(), "data").get("Get"), "Get").get(className);
    if (!(objects instanceof List<?> list)) {
      throw new WeaviateException("search answer has no list for class " + className);
    }
    return list.stream().map(o -> hit(map(o, className), collection)).toList();
  }

  private static VectorHit hit(Map<?, ?> object, KnowledgeCollection collection) {
    Map<?, ?> additional = map(object.get("_additional"), "_additional");
    // Cosine distance is 1 - cosine similarity, in [0, 2].
    double similarity = 1.0 - number(additional, "distance").doubleValue();
    return new VectorHit(
        number(object, CHUNK_ID).longValue(), number(object, DOCUMENT_ID).longValue(), collection, similarity);
  }

  private static Number number(Map<?, ?> object, String name) {
    if (!(object.get(name) instanceof Number n)) {
      throw new WeaviateException("search answer has no number " + name + " in " + object);
    }
    return n;
  }

  private static Map<?, ?> map(Object value, String what) {
    if (!(value instanceof Map<?, ?> m)) {
      throw new WeaviateException("search answer has no object " + what);
    }
    return m;
  }
}
