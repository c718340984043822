package iris.knowledge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import iris.testing.Sql;
import iris.testing.TestPostgres;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The contract against PostgreSQL, plus what only it does: persistence and cross-node reloads. */
class PgVectorStoreIT extends VectorStoreContract {
  private static String url;
  private static Vertx vertx;
  private static Pool pool;
  private static PgVectorStore store;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    TestPostgres.Migrated database = TestPostgres.migrated(vertx);
    url = database.url();
    pool = database.pool();
    store = new PgVectorStore(vertx, pool);
    await(store.start());
  }


  @AfterAll
  static void stop() throws Exception {
    await(store.close());
    await(pool.close());
    await(vertx.close());
  }

  @Override
  protected VectorStore store() {
    return store;
  }

  /** Empty tables, then the chunk rows (ids 1 to 5) the contract writes vectors for. */
  @Override
  protected void clear() throws Exception {
    Sql.execute(url, "TRUNCATE knowledge_documents CASCADE");
    Sql.execute(url, "INSERT INTO knowledge_documents (id, collection, title, content, content_hash) "
        + "SELECT d, 'runbooks', 'doc ' || d, 'text', 'h' FROM unnest(ARRAY[10, 11, 12, 20, 30, 40, 50]) d");
    Sql.execute(url, "INSERT INTO knowledge_chunks (id, document_id, collection, ordinal, body, search) "
        + "SELECT c, 10, 'runbooks', c, 'chunk', ''::tsvector FROM generate_series(1, 5) c");
    for (KnowledgeCollection c : KnowledgeCollection.values()) {
      for (long doc : List.of(10L, 11L, 12L, 20L, 30L, 40L, 50L)) {
        await(store.deleteDocument(c, doc));
      }
    }
  }

  @Test
  void vectorsSurviveARestart() throws Exception {
    await(store.upsert(List.of(chunk(1, 10, KnowledgeCollection.RUNBOOKS, EAST), chunk(2, 10, KnowledgeCollection.RUNBOOKS, UP))));
    assertEquals(1, Sql.count(url, "SELECT count(*) FROM knowledge_chunks WHERE id = 1 AND embedding_model = ? AND embedding_dim = 8", MODEL));
    PgVectorStore fresh = new PgVectorStore(vertx, pool);
    try {
      await(fresh.start());
      List<VectorHit> hits = await(fresh.nearest(EAST, MODEL, ALL, 1));
      assertEquals(1L, hits.get(0).chunkId());
      assertEquals(1.0, hits.get(0).similarity(), 1e-5);
    } finally {
      await(fresh.close());
    }
  }

  @Test
  void anotherNodesWriteIsReloaded() throws Exception {
    PgVectorStore other = new PgVectorStore(vertx, pool);
    try {
      await(other.start());
      assertTrue(await(other.nearest(EAST, MODEL, ALL, 5)).isEmpty());
      await(store.upsert(List.of(chunk(3, 10, KnowledgeCollection.RUNBOOKS, EAST))));
      // the write is published on iris.knowledge.changed; the other instance reloads that document
      long deadline = System.currentTimeMillis() + 5000;
      while (await(other.nearest(EAST, MODEL, ALL, 5)).isEmpty() && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(3L, await(other.nearest(EAST, MODEL, ALL, 5)).get(0).chunkId());
    } finally {
      await(other.close());
    }
  }

  @Test
  void writingAVectorForAMissingChunkFails() {
    var failure = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
        () -> await(store.upsert(List.of(chunk(999, 10, KnowledgeCollection.RUNBOOKS, EAST)))));
    assertTrue(failure.getMessage().contains("no longer exist"), failure.getMessage());
  }
}
