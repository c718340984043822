package iris.knowledge;

import static iris.knowledge.WeaviateSchema.CHUNK_ID;
import static iris.knowledge.WeaviateSchema.DOCUMENT_ID;
import static iris.knowledge.WeaviateSchema.MODEL;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.weaviate.client.Config;
import io.weaviate.client.WeaviateAuthClient;
import io.weaviate.client.WeaviateClient;
import io.weaviate.client.base.Result;
import io.weaviate.client.v1.auth.exception.AuthException;
import io.weaviate.client.v1.batch.model.BatchDeleteResponse;
import io.weaviate.client.v1.batch.model.ObjectGetResponse;
import io.weaviate.client.v1.data.model.WeaviateObject;
import io.weaviate.client.v1.filters.Operator;
import io.weaviate.client.v1.filters.WhereFilter;
import io.weaviate.client.v1.graphql.model.GraphQLResponse;
import io.weaviate.client.v1.graphql.query.argument.NearVectorArgument;
import io.weaviate.client.v1.graphql.query.argument.WhereArgument;
import io.weaviate.client.v1.graphql.query.fields.Field;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * {@link VectorStore} on Weaviate, one class per knowledge collection. The Weaviate client
 * blocks, so every call runs on the "iris-weaviate" worker pool, never on the event loop.
 * Calls are not ordered among themselves: callers chain futures when order matters
 * (delete a document, then write its new chunks).
 *
 * <p>Weaviate holds one vector length per class, so vectors of models with different
 * dimensions cannot live side by side; changing to such a model means dropping the
 * classes and embedding again. Models of the same dimension coexist and are kept apart
 * by the model filter.
 */
public final class WeaviateVectorStore implements VectorStore {
  /** Objects per batch request: large enough to save round trips, small enough for Weaviate's body limit. */
  static final int BATCH_SIZE = 200;
  private static final int WORKERS = 4;
  private static final int CONNECT_TIMEOUT_SECONDS = 5;
  private static final int RESPONSE_TIMEOUT_SECONDS = 30;

  private final WorkerExecutor workers;
  private final WeaviateClient client;

  public WeaviateVectorStore(Vertx vertx, String url, String apiKey) {
    this.client = client(url, apiKey);
    this.workers = vertx.createSharedWorkerExecutor("iris-weaviate", WORKERS);
  }

  /** The object id of a chunk: derived from the chunk id, so writing a chunk again replaces it. */
  static String objectId(long chunkId) {
    return UUID.nameUUIDFromBytes(("iris-chunk-" + chunkId).getBytes(StandardCharsets.UTF_8)).toString();
  }

  @Override
  public Future<Void> start() {
    return blocking(() -> {
      for (KnowledgeCollection collection : KnowledgeCollection.values()) {
        WeaviateSchema.ensure(client, collection);
      }
      return null;
    });
  }

  @Override
  public Future<Void> upsert(List<ChunkVector> vectors) {
    if (vectors.isEmpty()) {
      return Future.succeededFuture();
    }
    return blocking(() -> {
      for (int from = 0; from < vectors.size(); from += BATCH_SIZE) {
        writeBatch(vectors.subList(from, Math.min(from + BATCH_SIZE, vectors.size())));
      }
      return null;
    });
  }

  @Override
  public Future<Void> deleteDocument(KnowledgeCollection collection, long documentId) {
    return blocking(() -> {
      Result<BatchDeleteResponse> result = client.batch().objectsBatchDeleter()
          .withClassName(collection.weaviateClass())
          .withWhere(WhereFilter.builder().path(DOCUMENT_ID).operator(Operator.Equal)
              .valueInt(filterInt(documentId)).build())
          .run();
      checkDeleted(result, collection, documentId);
      return null;
    });
  }

  @Override
  public Future<List<VectorHit>> nearest(
      float[] query, String model, Set<KnowledgeCollection> collections, int limit) {
    if (collections.isEmpty() || limit <= 0) {
      return Future.succeededFuture(List.of());
    }
    return blocking(() -> {
      List<VectorHit> hits = new ArrayList<>();
      for (KnowledgeCollection collection : collections) {
        hits.addAll(nearestIn(collection, query, model, limit));
      }
      // Each class gave its own best `limit`; the overall best `limit` are among them.
      hits.sort(Comparator.comparingDouble(VectorHit::similarity).reversed());
      return List.copyOf(hits.subList(0, Math.min(limit, hits.size())));
    });
  }

  @Override
  public Future<Void> ping() {
    return blocking(() -> {
      Result<Boolean> ready = client.misc().readyChecker().run();
      if (!Boolean.TRUE.equals(ready.getResult())) {
        throw new WeaviateException("not ready", ready.getError());
      }
      return null;
    });
  }

  @Override
  public String kind() {
    return "weaviate";
  }

  @Override
  public Future<Void> close() {
    return workers.close();
  }

  private <T> Future<T> blocking(Callable<T> call) {
    return workers.executeBlocking(call, false);
  }

  private void writeBatch(List<ChunkVector> batch) {
    Map<String, Long> chunkIdByObject = new HashMap<>();
    WeaviateObject[] objects = new WeaviateObject[batch.size()];
    for (int i = 0; i < batch.size(); i++) {
      ChunkVector v = batch.get(i);
      String id = objectId(v.chunkId());
      chunkIdByObject.put(id, v.chunkId());
      objects[i] = WeaviateObject.builder()
          .className(v.collection().weaviateClass())
          .id(id)
          .properties(Map.of(CHUNK_ID, v.chunkId(), DOCUMENT_ID, v.documentId(), MODEL, v.model()))
          .vector(boxed(v.vector()))
          .build();
    }
    Result<ObjectGetResponse[]> result = client.batch().objectsBatcher().withObjects(objects).run();
    if (result.hasErrors()) {
      throw new WeaviateException("batch write of " + batch.size() + " chunks failed", result.getError());
    }
    if (result.getResult() == null) {
      throw new WeaviateException("batch write of " + batch.size() + " chunks got no answer");
    }
    // Weaviate answers 200 even when objects were refused; each object carries its own errors.
    for (ObjectGetResponse answer : result.getResult()) {
      String error = firstError(answer);
      if (error != null) {
        throw new WeaviateException("chunk " + chunkIdByObject.get(answer.getId()) + " in class "
            + answer.getClassName() + " was not stored: " + error);
      }
    }
  }

  private static String firstError(ObjectGetResponse answer) {
    if (answer.getResult() == null || answer.getResult().getErrors() == null
        || answer.getResult().getErrors().getError() == null) {
      return null;
    }
    return answer.getResult().getErrors().getError().stream()
        .map(e -> e.getMessage())
        .findFirst()
        .orElse(null);
  }

  private static void checkDeleted(
      Result<BatchDeleteResponse> result, KnowledgeCollection collection, long documentId) {
    String what = "delete of document " + documentId + " in class " + collection.weaviateClass();
    if (result.hasErrors()) {
      throw new WeaviateException(what + " failed", result.getError());
    }
    BatchDeleteResponse.Results results = result.getResult() == null ? null : result.getResult().getResults();
    if (results == null) {
      throw new WeaviateException(what + " got no answer");
    }
    if (results.getFailed() != null && results.getFailed() > 0) {
      throw new WeaviateException(what + ": " + results.getFailed() + " of " + results.getMatches()
          + " objects were not deleted");
    }
  }

  private List<VectorHit> nearestIn(KnowledgeCollection collection, float[] query, String model, int limit) {
    String className = collection.weaviateClass();
    Result<GraphQLResponse> result = client.graphQL().get()
        .withClassName(className)
        .withNearVector(NearVectorArgument.builder().vector(boxed(query)).build())
        .withWhere(WhereArgument.builder().filter(WhereFilter.builder()
            .path(MODEL).operator(Operator.Equal).valueText(model).build()).build())
        .withLimit(limit)
        .withFields(field(CHUNK_ID), field(DOCUMENT_ID),
            Field.builder().name("_additional").fields(field("id"), field("distance")).build())
        .run();
    if (result.hasErrors()) {
      throw new WeaviateException("search in class " + className + " failed", result.getError());
    }
    return WeaviateHits.from(result.getResult(), collection);
  }

  // The client's filter takes an Integer for an int property; document ids stay far below 2^31.
  private static int filterInt(long id) {
    if (id < Integer.MIN_VALUE || id > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("document id " + id + " is beyond what a Weaviate filter can match");
    }
    return (int) id;
  }

  private static Field field(String name) {
    return Field.builder().name(name).build();
  }

  private static Float[] boxed(float[] vector) {
    Float[] boxed = new Float[vector.length];
    for (int i = 0; i < vector.length; i++) {
      boxed[i] = vector[i];
    }
    return boxed;
  }

  private static WeaviateClient client(String url, String apiKey) {
    URI uri = URI.create(url);
    if (uri.getScheme() == null || uri.getRawAuthority() == null) {
      throw new IllegalArgumentException("weaviate url must look like http://host:8080, got " + url);
    }
    // Config wants "host:port"; a path prefix (Weaviate behind a proxy) rides along with it.
    String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
    Config config = new Config(uri.getScheme(), uri.getRawAuthority() + path, new HashMap<>(),
        CONNECT_TIMEOUT_SECONDS, CONNECT_TIMEOUT_SECONDS, RESPONSE_TIMEOUT_SECONDS);
    if (apiKey == null || apiKey.isEmpty()) {
      return new WeaviateClient(config);
    }
    try {
      return WeaviateAuthClient.apiKey(config, apiKey);
    } catch (AuthException e) {
      throw new IllegalArgumentException("weaviate api key rejected by the client: " + e.getMessage(), e);
    }
  }
}
