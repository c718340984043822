package iris.knowledge;

import iris.Hashes;
import io.vertx.core.Future;
import iris.db.SharedState;
import iris.knowledge.KnowledgeStore.Document;
import iris.knowledge.KnowledgeStore.PendingChunk;
import iris.knowledge.KnowledgeStore.Written;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The knowledge base as the rest of Iris sees it: write documents (chunked, embedded,
 * indexed), search them, and catch up on chunks whose vectors are missing or come from
 * another model. PostgreSQL holds documents and chunks whichever vector store is used.
 */
public final class KnowledgeBase {
  private static final Logger LOG = LoggerFactory.getLogger(KnowledgeBase.class);
  private static final int EMBED_BATCH = 32;

  private final KnowledgeStore store;
  private final VectorStore vectors;
  private final Embedder embedder;
  private final MarkdownChunker chunker;
  private final SharedState shared;
  private final HybridSearch search;

  // Alerts of one kind in a storm ask the same questions: answers are kept a few seconds.
  private static final long RECENT_MILLIS = 10_000;
  private final RecentAnswers<List<SearchResult>> searches = new RecentAnswers<>(RECENT_MILLIS, 2000);
  private final RecentAnswers<String> contents = new RecentAnswers<>(RECENT_MILLIS, 200);

  public KnowledgeBase(KnowledgeStore store, VectorStore vectors, Embedder embedder, MarkdownChunker chunker,
      SharedState shared) {
    this.store = store;
    this.vectors = vectors;
    this.embedder = embedder;
    this.chunker = chunker;
    this.shared = shared;
    this.search = new HybridSearch(store, vectors);
  }

  /** A write's outcome: {@code embedded} false when vectors could not be made now (a later catch-up makes them). */
  public record Indexed(long id, int chunks, boolean embedded) {}

  public Future<Indexed> add(Document doc) {
    List<Chunk> chunks = chunker.chunk(doc.content());
    return written(store.insert(doc, null, hash(doc), chunks).compose(written -> embed(doc.collection(), written)));
  }

  /** Null when no such document. */
  public Future<Indexed> update(long id, Document doc) {
    List<Chunk> chunks = chunker.chunk(doc.content());
    return written(store.update(id, doc, hash(doc), chunks).compose(written -> {
      if (written == null) {
        return Future.succeededFuture(null);
      }
      if (!written.reindexed()) {
        return Future.succeededFuture(new Indexed(id, -1, true));
      }
      return vectors.deleteDocument(doc.collection(), id).compose(v -> embed(doc.collection(), written));
    }));
  }

  /** Writes (or rewrites) the document learned from one incident. */
  public Future<Indexed> learn(long incidentId, Document doc) {
    return store.documentOfIncident(incidentId).compose(existing -> existing == null
        ? written(store.insert(doc, incidentId, hash(doc), chunker.chunk(doc.content())).compose(w -> embed(doc.collection(), w)))
        : update(existing, doc));
  }

  public Future<Boolean> delete(KnowledgeCollection collection, long id) {
    return written(store.delete(collection, id)).compose(found -> found
        ? vectors.deleteDocument(collection, id).map(true)
        : Future.succeededFuture(false));
  }

  public KnowledgeStore store() {
    return store;
  }

  public VectorStore vectors() {
    return vectors;
  }

  public String model() {
    return embedder.model();
  }

  /** Hybrid search; if the query cannot be embedded, full-text alone answers. */
  public Future<List<SearchResult>> search(String query, Set<KnowledgeCollection> collections, int limit) {
    return embedQuery(query).compose(vector -> search(query, vector, collections, limit));
  }

  public Future<List<SearchResult>> search(String query, float[] vector, Set<KnowledgeCollection> collections, int limit) {
    // Keyword-only answers (embedder down) are not kept: they would outlive the outage.
    return searches.get(collections + "|" + limit + "|" + query, vector != null,
        () -> search.search(query, vector, embedder.model(), collections, limit));
  }

  /** A document's content; null when no such document. */
  public Future<String> content(KnowledgeCollection collection, long id) {
    return contents.get(collection.id() + "|" + id, true,
        () -> store.find(collection, id).map(doc -> doc == null ? null : doc.getString("content")));
  }

  private <T> Future<T> written(Future<T> write) {
    return write.onComplete(r -> {
      searches.forget();
      contents.forget();
    });
  }

  /** The query's vector, or null when the embedder is unavailable (logged). */
  public Future<float[]> embedQuery(String query) {
    return embedder.embed(List.of(query)).map(vs -> vs.get(0)).recover(e -> {
      LOG.warn("Cannot embed a search query, searching by keywords only: {}", e.getMessage());
      return Future.succeededFuture(null);
    });
  }

  private Future<Indexed> embed(KnowledgeCollection collection, Written written) {
    return store.pending(embedder.model(), written.chunkIds(), Integer.MAX_VALUE)
        .compose(this::embedAndStore)
        .map(n -> new Indexed(written.documentId(), written.chunkIds().size(), true))
        .recover(e -> {
          LOG.warn("Document {} in {} is stored but not embedded yet ({}); it will be retried",
              written.documentId(), collection.id(), e.getMessage());
          return Future.succeededFuture(new Indexed(written.documentId(), written.chunkIds().size(), false));
        });
  }

  private Future<Integer> embedAndStore(List<PendingChunk> chunks) {
    Future<Integer> done = Future.succeededFuture(0);
    for (int from = 0; from < chunks.size(); from += EMBED_BATCH) {
      List<PendingChunk> batch = chunks.subList(from, Math.min(chunks.size(), from + EMBED_BATCH));
      done = done.compose(n -> embedder.embed(batch.stream().map(PendingChunk::text).toList()).compose(vs -> {
        List<ChunkVector> out = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
          PendingChunk c = batch.get(i);
          out.add(new ChunkVector(c.chunkId(), c.documentId(), c.collection(), embedder.model(), vs.get(i)));
        }
        List<Long> ids = batch.stream().map(PendingChunk::chunkId).toList();
        return vectors.upsert(out).compose(v -> store.markEmbedded(ids, embedder.model(), vs.get(0).length))
            .map(n + batch.size());
      }));
    }
    return done;
  }

  /**
   * Embeds every chunk whose vector is missing or was made by another model (a model change,
   * or a write while the embedder was down). One node at a time, by a shared lock.
   */
  public Future<Integer> catchUp() {
    return shared.setIfAbsent("knowledge:catch-up", "1", Duration.ofMinutes(10)).compose(owner -> {
      if (!owner) {
        return Future.succeededFuture(0);
      }
      return written(catchUpFrom(0)).onComplete(r -> shared.delete("knowledge:catch-up"));
    });
  }

  private Future<Integer> catchUpFrom(int doneSoFar) {
    return store.pending(embedder.model(), null, 256).compose(chunks -> {
      if (chunks.isEmpty()) {
        if (doneSoFar > 0) {
          LOG.info("Knowledge base: {} chunks embedded with {}", doneSoFar, embedder.model());
        }
        return Future.succeededFuture(doneSoFar);
      }
      return embedAndStore(chunks).compose(n -> catchUpFrom(doneSoFar + n));
    });
  }

  /** Title and content, separated by a NUL so no two different pairs hash alike. */
  static String hash(Document doc) {
    return Hashes.sha256Hex(doc.title() + "\u0000" + doc.content());
  }

}
