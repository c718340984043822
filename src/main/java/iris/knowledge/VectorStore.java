package iris.knowledge;

import io.vertx.core.Future;
import java.util.List;
import java.util.Set;

/**
 * Where chunk embeddings live and are searched by similarity. PostgreSQL by default,
 * Weaviate when configured. Vectors are L2-normalised; only vectors of the same model
 * are ever compared.
 */
public interface VectorStore {

  /** Prepares the store (loads the index, creates classes). */
  Future<Void> start();

  /** Inserts or replaces vectors by chunk id. */
  Future<Void> upsert(List<ChunkVector> vectors);

  /** Removes every vector of one document. */
  Future<Void> deleteDocument(KnowledgeCollection collection, long documentId);

  /** The {@code limit} most similar chunks of {@code model} in the given collections, best first. */
  Future<List<VectorHit>> nearest(
      float[] query, String model, Set<KnowledgeCollection> collections, int limit);

  /** Succeeds when the store answers; used by the readiness check. */
  Future<Void> ping();

  /** "postgresql" or "weaviate", for health output and logs. */
  String kind();

  Future<Void> close();
}
