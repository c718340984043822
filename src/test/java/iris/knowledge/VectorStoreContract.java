package iris.knowledge;

import static iris.knowledge.KnowledgeCollection.INCIDENTS;
import static iris.knowledge.KnowledgeCollection.INFRASTRUCTURE;
import static iris.knowledge.KnowledgeCollection.RUNBOOKS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link VectorStore} must do, whatever holds the vectors. Vectors are small
 * hand-made unit vectors (dimension 8) whose cosine similarities are known exactly.
 */
abstract class VectorStoreContract {
  /** Two real model names where one's words are a subset of the other's: a loose text match would mix them. */
  static final String MODEL = "all-minilm-l6-v2-q";
  static final String OTHER_MODEL = "all-minilm-l6-v2";
  static final Set<KnowledgeCollection> ALL = EnumSet.allOf(KnowledgeCollection.class);
  private static final double CLOSE = 1e-4;

  // Similarity to EAST: 1, 0.707, 0, -1.
  static final float[] EAST = unit(1, 0, 0, 0, 0, 0, 0, 0);
  static final float[] NORTH_EAST = unit(1, 1, 0, 0, 0, 0, 0, 0);
  static final float[] UP = unit(0, 0, 1, 0, 0, 0, 0, 0);
  static final float[] WEST = unit(-1, 0, 0, 0, 0, 0, 0, 0);

  /** A started store. */
  protected abstract VectorStore store();

  /** Removes every vector, so each test starts from an empty store. */
  protected abstract void clear() throws Exception;

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static float[] unit(double... xs) {
    double norm = 0;
    for (double x : xs) {
      norm += x * x;
    }
    float[] v = new float[xs.length];
    for (int i = 0; i < xs.length; i++) {
      v[i] = (float) (xs[i] / Math.sqrt(norm));
    }
    return v;
  }

  static ChunkVector chunk(long chunkId, long documentId, KnowledgeCollection collection, float[] vector) {
    return new ChunkVector(chunkId, documentId, collection, MODEL, vector);
  }

  private List<VectorHit> nearest(float[] query, Set<KnowledgeCollection> collections, int limit) throws Exception {
    return await(store().nearest(query, MODEL, collections, limit));
  }

  private static List<Long> chunkIds(List<VectorHit> hits) {
    return hits.stream().map(VectorHit::chunkId).toList();
  }

  @BeforeEach
  void startEmpty() throws Exception {
    clear();
  }

  @Test
  void emptyStoreFindsNothing() throws Exception {
    assertEquals(List.of(), nearest(EAST, ALL, 5));
  }

  @Test
  void identicalVectorComesFirstWithSimilarityOne() throws Exception {
    await(store().upsert(List.of(
        chunk(3, 30, RUNBOOKS, UP),
        chunk(1, 10, RUNBOOKS, EAST),
        chunk(4, 40, RUNBOOKS, WEST),
        chunk(2, 20, RUNBOOKS, NORTH_EAST))));

    List<VectorHit> hits = nearest(EAST, Set.of(RUNBOOKS), 4);

    assertEquals(List.of(1L, 2L, 3L, 4L), chunkIds(hits));
    VectorHit best = hits.get(0);
    assertEquals(10L, best.documentId());
    assertEquals(RUNBOOKS, best.collection());
    assertEquals(1.0, best.similarity(), CLOSE);
    assertEquals(Math.sqrt(0.5), hits.get(1).similarity(), CLOSE);
    assertEquals(0.0, hits.get(2).similarity(), CLOSE);
    assertEquals(-1.0, hits.get(3).similarity(), CLOSE);
  }

  @Test
  void hitsOfSeveralCollectionsAreMergedBestFirst() throws Exception {
    await(store().upsert(List.of(
        chunk(1, 10, RUNBOOKS, UP),
        chunk(2, 20, INCIDENTS, EAST),
        chunk(3, 30, INFRASTRUCTURE, NORTH_EAST))));

    List<VectorHit> hits = nearest(EAST, ALL, 3);

    assertEquals(List.of(2L, 3L, 1L), chunkIds(hits));
    assertEquals(List.of(INCIDENTS, INFRASTRUCTURE, RUNBOOKS), hits.stream().map(VectorHit::collection).toList());
  }

  @Test
  void searchesOnlyTheRequestedCollections() throws Exception {
    await(store().upsert(List.of(
        chunk(1, 10, RUNBOOKS, EAST),
        chunk(2, 20, INCIDENTS, EAST),
        chunk(3, 30, INFRASTRUCTURE, EAST))));

    assertEquals(List.of(2L), chunkIds(nearest(EAST, Set.of(INCIDENTS), 10)));
    List<VectorHit> two = nearest(EAST, EnumSet.of(RUNBOOKS, INFRASTRUCTURE), 10);
    assertEquals(Set.of(1L, 3L), Set.copyOf(chunkIds(two)));
    assertEquals(List.of(), nearest(EAST, Set.of(), 10));
  }

  @Test
  void neverMixesModels() throws Exception {
    await(store().upsert(List.of(
        new ChunkVector(1, 10, RUNBOOKS, MODEL, EAST),
        new ChunkVector(2, 20, RUNBOOKS, OTHER_MODEL, EAST))));

    assertEquals(List.of(1L), chunkIds(await(store().nearest(EAST, MODEL, ALL, 10))));
    assertEquals(List.of(2L), chunkIds(await(store().nearest(EAST, OTHER_MODEL, ALL, 10))));
    assertEquals(List.of(), await(store().nearest(EAST, "nomic-embed-text", ALL, 10)));
  }

  @Test
  void upsertOfTheSameChunkReplacesIt() throws Exception {
    await(store().upsert(List.of(chunk(1, 10, RUNBOOKS, EAST))));
    await(store().upsert(List.of(chunk(1, 11, RUNBOOKS, NORTH_EAST))));

    List<VectorHit> hits = nearest(EAST, ALL, 10);

    assertEquals(1, hits.size(), "one hit per chunk id, not one per write: " + hits);
    assertEquals(11L, hits.get(0).documentId());
    assertEquals(Math.sqrt(0.5), hits.get(0).similarity(), CLOSE, "the new vector replaced the old one");
  }

  @Test
  void deleteDocumentRemovesAllItsChunksAndOnlyThose() throws Exception {
    await(store().upsert(List.of(
        chunk(1, 10, RUNBOOKS, EAST),
        chunk(2, 10, RUNBOOKS, NORTH_EAST),
        chunk(3, 11, RUNBOOKS, EAST),
        chunk(4, 12, INCIDENTS, EAST))));

    await(store().deleteDocument(RUNBOOKS, 10));

    assertEquals(Set.of(3L, 4L), Set.copyOf(chunkIds(nearest(EAST, ALL, 10))));
  }

  @Test
  void deleteDocumentStaysInItsCollection() throws Exception {
    await(store().upsert(List.of(
        chunk(1, 10, RUNBOOKS, EAST),
        chunk(2, 10, INCIDENTS, EAST))));

    await(store().deleteDocument(INCIDENTS, 10));

    assertEquals(List.of(1L), chunkIds(nearest(EAST, ALL, 10)));
  }

  @Test
  void deletingAnUnknownDocumentSucceeds() throws Exception {
    await(store().deleteDocument(RUNBOOKS, 999));
    assertEquals(List.of(), nearest(EAST, ALL, 10));
  }

  @Test
  void limitIsRespected() throws Exception {
    await(store().upsert(List.of(
        chunk(1, 10, RUNBOOKS, EAST),
        chunk(2, 20, RUNBOOKS, NORTH_EAST),
        chunk(3, 30, INCIDENTS, EAST),
        chunk(4, 40, INCIDENTS, UP),
        chunk(5, 50, INFRASTRUCTURE, WEST))));

    List<VectorHit> hits = nearest(EAST, ALL, 2);

    assertEquals(Set.of(1L, 3L), Set.copyOf(chunkIds(hits)), "the two identical vectors, whatever their collection");
    assertEquals(1, nearest(EAST, Set.of(RUNBOOKS), 1).size());
    assertEquals(List.of(), nearest(EAST, ALL, 0));
  }

  @Test
  void writingNothingSucceeds() throws Exception {
    await(store().upsert(List.of()));
    assertTrue(nearest(EAST, ALL, 10).isEmpty());
  }

  @Test
  void answersPing() throws Exception {
    await(store().ping());
  }
}
