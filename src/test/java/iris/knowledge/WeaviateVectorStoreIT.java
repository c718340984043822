package iris.knowledge;

import static iris.knowledge.KnowledgeCollection.INCIDENTS;
import static iris.knowledge.KnowledgeCollection.RUNBOOKS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import iris.testing.FakeWeaviate;
import iris.testing.GraphQlQuery;
import iris.testing.GraphQlQuery.ClassQuery;
import iris.testing.GraphQlQuery.Selection;
import iris.testing.Http;
import iris.testing.Ports;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The contract against a local server speaking Weaviate's protocol, plus what is particular to Weaviate. */
class WeaviateVectorStoreIT extends VectorStoreContract {
  private static FakeWeaviate weaviate;
  private static Vertx vertx;
  private static WeaviateVectorStore store;

  @BeforeAll
  static void start() throws Exception {
    weaviate = FakeWeaviate.start();
    vertx = Vertx.vertx();
    store = new WeaviateVectorStore(vertx, weaviate.url(), "");
    await(store.start());
  }

  @AfterAll
  static void stop() throws Exception {
    await(store.close());
    await(vertx.close());
    weaviate.close();
  }

  @Override
  protected VectorStore store() {
    return store;
  }

  @Override
  protected void clear() {
    weaviate.clearObjects();
    weaviate.clearRequests();
  }

  @Test
  void startCreatesOneClassPerCollectionForVectorsIrisProvides() throws Exception {
    try (FakeWeaviate fresh = FakeWeaviate.start()) {
      WeaviateVectorStore s = new WeaviateVectorStore(vertx, fresh.url(), "");
      try {
        await(s.start());

        List<FakeWeaviate.Request> creates = fresh.requests("POST", "/v1/schema");
        assertEquals(List.of("IrisRunbook", "IrisIncident", "IrisInfrastructure"),
            creates.stream().map(r -> r.json().path("class").asText()).toList());
        for (FakeWeaviate.Request create : creates) {
          JsonNode c = create.json();
          assertEquals("none", c.path("vectorizer").asText());
          assertEquals("cosine", c.path("vectorIndexConfig").path("distance").asText());
          assertEquals("int", property(c, "chunkId").path("dataType").path(0).asText());
          assertEquals("int", property(c, "documentId").path("dataType").path(0).asText());
          assertEquals("text", property(c, "model").path("dataType").path(0).asText());
          assertEquals("field", property(c, "model").path("tokenization").asText());
        }

        await(s.start());
        assertEquals(3, fresh.requests("POST", "/v1/schema").size(), "a second start finds the classes");
      } finally {
        await(s.close());
      }
    }
  }

  @Test
  void startRefusesAnExistingClassWithAnotherDistance() throws Exception {
    try (FakeWeaviate fresh = FakeWeaviate.start()) {
      new Http(fresh.url()).post("/v1/schema",
          "{\"class\":\"IrisRunbook\",\"vectorizer\":\"none\",\"vectorIndexConfig\":{\"distance\":\"dot\"}}",
          Map.of("Content-Type", "application/json"));
      WeaviateVectorStore s = new WeaviateVectorStore(vertx, fresh.url(), "");
      try {
        String message = failure(() -> await(s.start()));
        assertTrue(message.contains("IrisRunbook") && message.contains("dot"), message);
      } finally {
        await(s.close());
      }
    }
  }

  @Test
  void writesManyChunksInOneBatchRequest() throws Exception {
    List<ChunkVector> chunks = IntStream.rangeClosed(1, 50)
        .mapToObj(i -> chunk(i, 100, RUNBOOKS, i % 2 == 0 ? EAST : UP)).toList();

    await(store.upsert(chunks));

    List<FakeWeaviate.Request> writes = weaviate.requests("POST", "/v1/batch/objects");
    assertEquals(1, writes.size(), "one batch request, not one per chunk");
    assertTrue(weaviate.requests("POST", "/v1/objects").isEmpty());
    JsonNode objects = writes.get(0).json().path("objects");
    assertEquals(50, objects.size());
    JsonNode first = objects.get(0);
    assertEquals("IrisRunbook", first.path("class").asText());
    assertEquals(WeaviateVectorStore.objectId(1), first.path("id").asText());
    assertEquals(8, first.path("vector").size());
    assertEquals(1, first.path("properties").path("chunkId").asLong());
    assertEquals(100, first.path("properties").path("documentId").asLong());
    assertEquals(MODEL, first.path("properties").path("model").asText());
    assertEquals(50, weaviate.objectCount("IrisRunbook"));
  }

  @Test
  void largeWritesAreSplitIntoBatches() throws Exception {
    int count = 2 * WeaviateVectorStore.BATCH_SIZE + 7;
    await(store.upsert(IntStream.rangeClosed(1, count).mapToObj(i -> chunk(i, 1, INCIDENTS, EAST)).toList()));

    List<Integer> sizes = weaviate.requests("POST", "/v1/batch/objects").stream()
        .map(r -> r.json().path("objects").size()).toList();
    assertEquals(List.of(WeaviateVectorStore.BATCH_SIZE, WeaviateVectorStore.BATCH_SIZE, 7), sizes);
    assertEquals(count, weaviate.objectCount("IrisIncident"));
  }

  @Test
  void anObjectWeaviateRefusesFailsTheUpsertWithWeaviatesMessage() throws Exception {
    List<ChunkVector> chunks = List.of(
        chunk(1, 10, RUNBOOKS, EAST),
        chunk(7, 10, RUNBOOKS, new float[] {1, 0, 0}));

    String message = failure(() -> await(store.upsert(chunks)));

    assertTrue(message.contains("chunk 7"), message);
    assertTrue(message.contains("new node has a vector with length 3"), message);
  }

  @Test
  void searchSendsTheVectorAndTheModelFilterToEachClass() throws Exception {
    await(store.nearest(NORTH_EAST, MODEL, Set.of(RUNBOOKS), 3));

    List<FakeWeaviate.Request> searches = weaviate.requests("POST", "/v1/graphql");
    assertEquals(1, searches.size());
    ClassQuery q = GraphQlQuery.parseGet(searches.get(0).json().path("query").asText()).get(0);
    assertEquals("IrisRunbook", q.className());
    List<?> vector = (List<?>) ((Map<?, ?>) q.arguments().get("nearVector")).get("vector");
    assertEquals(NORTH_EAST.length, vector.size());
    for (int i = 0; i < vector.size(); i++) {
      assertEquals(NORTH_EAST[i], ((Number) vector.get(i)).floatValue(), 1e-7);
    }
    Map<?, ?> where = (Map<?, ?>) q.arguments().get("where");
    assertEquals(List.of("model"), where.get("path"));
    assertEquals("Equal", String.valueOf(where.get("operator")));
    assertEquals(MODEL, where.get("valueText"));
    assertEquals(3, ((Number) q.arguments().get("limit")).intValue());
    assertEquals(List.of("chunkId", "documentId", "_additional"), q.fields().stream().map(Selection::name).toList());

    weaviate.clearRequests();
    await(store.nearest(NORTH_EAST, MODEL, ALL, 3));
    assertEquals(3, weaviate.requests("POST", "/v1/graphql").size(), "one query per collection");
  }

  @Test
  void aGraphQlErrorFailsTheSearch() throws Exception {
    await(store.upsert(List.of(chunk(1, 10, RUNBOOKS, EAST))));

    String message = failure(() -> await(store.nearest(new float[] {1, 0, 0}, MODEL, Set.of(RUNBOOKS), 3)));

    assertTrue(message.contains("IrisRunbook") && message.contains("vector lengths don't match"), message);
  }

  @Test
  void deleteDocumentIsOneBatchDeleteMatchingTheDocumentId() throws Exception {
    await(store.deleteDocument(INCIDENTS, 42));

    List<FakeWeaviate.Request> deletes = weaviate.requests("DELETE", "/v1/batch/objects");
    assertEquals(1, deletes.size());
    JsonNode match = deletes.get(0).json().path("match");
    assertEquals("IrisIncident", match.path("class").asText());
    assertEquals("documentId", match.path("where").path("path").path(0).asText());
    assertEquals("Equal", match.path("where").path("operator").asText());
    assertEquals(42, match.path("where").path("valueInt").asInt());
  }

  @Test
  void pingFailsWhileWeaviateIsNotReady() throws Exception {
    weaviate.setReady(false);
    try {
      assertTrue(failure(() -> await(store.ping())).contains("not ready"));
    } finally {
      weaviate.setReady(true);
    }
    await(store.ping());
  }

  @Test
  void anUnreachableWeaviateFailsTheCallInsteadOfHanging() throws Exception {
    WeaviateVectorStore nowhere = new WeaviateVectorStore(vertx, "http://127.0.0.1:" + Ports.free(), "");
    try {
      assertTrue(failure(() -> await(nowhere.ping())).contains("no response"));
    } finally {
      await(nowhere.close());
    }
  }

  @Test
  void theApiKeyIsSentAsABearerToken() throws Exception {
    WeaviateVectorStore withKey = new WeaviateVectorStore(vertx, weaviate.url(), "s3cret");
    try {
      await(withKey.ping());
      await(store.ping());

      List<String> sent = new ArrayList<>();
      weaviate.requests("GET", "/v1/.well-known/ready").forEach(r -> sent.add(r.authorization()));
      assertEquals("Bearer s3cret", sent.get(0));
      assertNull(sent.get(1), "no key configured, no header");
    } finally {
      await(withKey.close());
    }
  }

  @Test
  void kindIsWeaviate() {
    assertEquals("weaviate", store.kind());
  }

  private static JsonNode property(JsonNode weaviateClass, String name) {
    for (JsonNode p : weaviateClass.path("properties")) {
      if (p.path("name").asText().equals(name)) {
        return p;
      }
    }
    throw new AssertionError("no property " + name + " in " + weaviateClass);
  }

  /** Runs a call that must fail and returns the message of what failed it. */
  private static String failure(ThrowingCall call) {
    ExecutionException e = assertThrows(ExecutionException.class, call::run);
    return String.valueOf(e.getCause().getMessage());
  }

  private interface ThrowingCall {
    void run() throws Exception;
  }
}
