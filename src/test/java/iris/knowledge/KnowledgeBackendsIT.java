package iris.knowledge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import iris.testing.FakeOllama;
import iris.testing.FakeWeaviate;
import iris.testing.Knowledge;
import iris.testing.Sql;
import iris.testing.TestIris;
import iris.testing.TestPostgres;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Iris wired to its other backends: Weaviate for vectors, and a change of embedding model. */
class KnowledgeBackendsIT {

  @Test
  void withWeaviateVectorsGoThereAndSearchStillWorks() throws Exception {
    try (FakeWeaviate weaviate = FakeWeaviate.start();
         TestIris iris = TestIris.start(Map.of("IRIS_WEAVIATE_URL", weaviate.url()))) {
      Knowledge.importRunbooks(iris, "HostOutOfMemory", "PostgresqlDeadLocks", "HostOutOfDiskSpace");
      String db = iris.env.get("IRIS_DB_URL");
      assertEquals(0, Sql.count(db, "SELECT count(*) FROM knowledge_chunks WHERE embedding IS NOT NULL"),
          "vectors live in Weaviate, not in PostgreSQL");
      assertEquals(0, Sql.count(db, "SELECT count(*) FROM knowledge_chunks WHERE embedding_model IS DISTINCT FROM 'all-minilm-l6-v2-q'"));
      assertTrue(weaviate.requests().stream().anyMatch(r -> r.path().equals("/v1/batch/objects")));
      JsonObject found = iris.api("GET", "/api/v1/knowledge/search?collection=runbooks&limit=1&q="
          + java.net.URLEncoder.encode("transactions abort because they wait on each other's locks", "UTF-8"), null).json();
      assertTrue(found.getJsonArray("results").getJsonObject(0).getString("title").startsWith("PostgresqlDeadLocks"), found.encode());
      assertTrue(weaviate.requests().stream().anyMatch(r -> r.path().equals("/v1/graphql")), "the vector side asked Weaviate");
      JsonObject ready = new JsonObject(iris.http.get("/health/ready", Map.of()).body());
      assertTrue(ready.encode().contains("\"vector_store\":\"weaviate\""), ready.encode());
    }
  }

  @Test
  void aChangeOfEmbeddingModelReEmbedsEveryChunk() throws Exception {
    String db = TestPostgres.newDatabase();
    try (TestIris first = TestIris.start(Map.of("IRIS_DB_URL", db))) {
      Knowledge.importRunbooks(first, "HostOutOfMemory", "HostOutOfDiskSpace");
    }
    long chunks = Sql.count(db, "SELECT count(*) FROM knowledge_chunks WHERE embedding_model = 'all-minilm-l6-v2-q' AND embedding_dim = 384");
    assertTrue(chunks >= 2);
    try (FakeOllama ollama = new FakeOllama();
         TestIris second = TestIris.start(Map.of("IRIS_DB_URL", db, "IRIS_OLLAMA_URL", ollama.url()))) {
      Knowledge.await("re-embedding with the new model", 30_000, () -> Sql.count(db,
          "SELECT count(*) FROM knowledge_chunks WHERE embedding_model = 'ollama/nomic-embed-text' AND embedding_dim = 768"
              + " AND array_length(embedding, 1) = 768") == chunks);
      JsonObject found = second.api("GET", "/api/v1/knowledge/search?collection=runbooks&limit=1&q=HostOutOfDiskSpace", null).json();
      assertTrue(found.getJsonArray("results").getJsonObject(0).getString("title").startsWith("HostOutOfDiskSpace"));
    }
  }
}
