package iris.knowledge;

/** One chunk's embedding as a vector store keeps it; the chunk's text stays in PostgreSQL. */
public record ChunkVector(
    long chunkId, long documentId, KnowledgeCollection collection, String model, float[] vector) {}
