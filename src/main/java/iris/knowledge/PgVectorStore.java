package iris.knowledge;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import iris.EventAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The default vector store: vectors in {@code knowledge_chunks.embedding} (real[]), searched
 * by an exact scan of an in-memory copy. Every node keeps its copy; a write publishes
 * {@code iris.knowledge.changed} so other nodes reload that document. Exact search over
 * 100k chunks of 384 dimensions is tens of milliseconds, no approximate index needed.
 */
public final class PgVectorStore implements VectorStore {
  private record Entry(long documentId, KnowledgeCollection collection, String model, float[] vector) {}

  private final Vertx vertx;
  private final Pool pool;
  private final WorkerExecutor workers;
  // One map per collection, so a search scans only the collections it asks for.
  private final Map<KnowledgeCollection, Map<Long, Entry>> index = new java.util.EnumMap<>(KnowledgeCollection.class);
  {
    for (KnowledgeCollection c : KnowledgeCollection.values()) {
      index.put(c, new ConcurrentHashMap<>());
    }
  }
  private final String origin = java.util.UUID.randomUUID().toString();
  private MessageConsumer<JsonObject> changes;

  public PgVectorStore(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
    this.workers = vertx.createSharedWorkerExecutor("iris-vector-scan", 2);
  }

  @Override
  public Future<Void> start() {
    changes = EventAddress.KNOWLEDGE_CHANGED.consumer(vertx.eventBus(), changed -> {
      if (!origin.equals(changed.origin())) {
        reload(changed.documentId());
      }
    });
    return load("embedding IS NOT NULL", Tuple.tuple()).mapEmpty();
  }

  private Future<Void> reload(long documentId) {
    index.values().forEach(m -> m.values().removeIf(e -> e.documentId() == documentId));
    return load("document_id = $1 AND embedding IS NOT NULL", Tuple.of(documentId));
  }

  private Future<Void> load(String where, Tuple params) {
    return pool.preparedQuery("SELECT id, document_id, collection, embedding_model, embedding FROM knowledge_chunks WHERE " + where)
        .execute(params).map(this::remember);
  }

  private Void remember(RowSet<Row> rows) {
    for (Row row : rows) {
      Float[] values = row.getArrayOfFloats("embedding");
      float[] v = new float[values.length];
      for (int i = 0; i < v.length; i++) {
        v[i] = values[i];
      }
      KnowledgeCollection collection = KnowledgeCollection.fromId(row.getString("collection")).orElseThrow();
      put(row.getLong("id"), new Entry(row.getLong("document_id"), collection, row.getString("embedding_model"), v));
    }
    return null;
  }

  @Override
  public Future<Void> upsert(List<ChunkVector> vectors) {
    if (vectors.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> batch = new ArrayList<>(vectors.size());
    for (ChunkVector cv : vectors) {
      Float[] boxed = new Float[cv.vector().length];
      for (int i = 0; i < boxed.length; i++) {
        boxed[i] = cv.vector()[i];
      }
      batch.add(Tuple.of(cv.chunkId(), boxed, cv.model(), boxed.length));
    }
    return pool.preparedQuery("UPDATE knowledge_chunks SET embedding = $2, embedding_model = $3, embedding_dim = $4 WHERE id = $1")
        .executeBatch(batch)
        .compose(rows -> {
          int updated = 0;
          for (RowSet<Row> r = rows; r != null; r = r.next()) {
            updated += r.rowCount();
          }
          if (updated != vectors.size()) {
            // A chunk was replaced or deleted meanwhile: its document's next write re-embeds it.
            return Future.failedFuture(new IllegalStateException((vectors.size() - updated) + " of " + vectors.size()
                + " chunks no longer exist"));
          }
          return Future.succeededFuture(rows);
        })
        .map(rows -> {
          vectors.forEach(cv -> put(cv.chunkId(), new Entry(cv.documentId(), cv.collection(), cv.model(), cv.vector())));
          vectors.stream().map(ChunkVector::documentId).distinct().forEach(this::announce);
          return null;
        });
  }

  @Override
  public Future<Void> deleteDocument(KnowledgeCollection collection, long documentId) {
    // The rows go with the document (ON DELETE CASCADE) or are replaced by the indexer.
    index.get(collection).values().removeIf(e -> e.documentId() == documentId);
    announce(documentId);
    return Future.succeededFuture();
  }

  /** A chunk lives in one collection: writing it removes it from any other. */
  private void put(long chunkId, Entry entry) {
    index.forEach((collection, entries) -> {
      if (collection == entry.collection()) {
        entries.put(chunkId, entry);
      } else {
        entries.remove(chunkId);
      }
    });
  }

  private void announce(long documentId) {
    EventAddress.KNOWLEDGE_CHANGED.publish(vertx.eventBus(), new KnowledgeChanged(documentId, origin));
  }

  @Override
  public Future<List<VectorHit>> nearest(float[] query, String model, Set<KnowledgeCollection> collections, int limit) {
    return workers.executeBlocking(() -> scan(query, model, collections, limit), false);
  }

  private List<VectorHit> scan(float[] query, String model, Set<KnowledgeCollection> collections, int limit) {
    if (limit <= 0) {
      return List.of();
    }
    PriorityQueue<VectorHit> best = new PriorityQueue<>((a, b) -> Double.compare(a.similarity(), b.similarity()));
    for (KnowledgeCollection collection : collections) {
      scan(index.get(collection), query, model, limit, best);
    }
    List<VectorHit> out = new ArrayList<>(best);
    out.sort((a, b) -> Double.compare(b.similarity(), a.similarity()));
    return out;
  }

  private static void scan(Map<Long, Entry> entries, float[] query, String model, int limit, PriorityQueue<VectorHit> best) {
    for (Map.Entry<Long, Entry> item : entries.entrySet()) {
      Entry e = item.getValue();
      if (!model.equals(e.model()) || e.vector().length != query.length) {
        continue;
      }
      double dot = 0;
      float[] v = e.vector();
      for (int i = 0; i < v.length; i++) {
        dot += v[i] * query[i];
      }
      if (best.size() < limit) {
        best.add(new VectorHit(item.getKey(), e.documentId(), e.collection(), dot));
      } else if (dot > best.peek().similarity()) {
        best.poll();
        best.add(new VectorHit(item.getKey(), e.documentId(), e.collection(), dot));
      }
    }
  }

  @Override
  public Future<Void> ping() {
    return pool.query("SELECT 1").execute().mapEmpty();
  }

  @Override
  public String kind() {
    return "postgresql";
  }

  /** Vectors held in memory, for metrics. */
  public int size() {
    return index.values().stream().mapToInt(Map::size).sum();
  }

  @Override
  public Future<Void> close() {
    return (changes == null ? Future.<Void>succeededFuture() : changes.unregister()).compose(v -> workers.close());
  }
}
