package iris.knowledge;

/** A chunk found by vector similarity; {@code similarity} is cosine similarity in [-1, 1]. */
public record VectorHit(
    long chunkId, long documentId, KnowledgeCollection collection, double similarity) {}
