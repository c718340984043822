package iris.knowledge;

import io.vertx.core.Future;
import iris.knowledge.KnowledgeStore.ChunkRow;
import iris.knowledge.KnowledgeStore.KeywordHit;
import iris.knowledge.KnowledgeStore.TextHits;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Vector similarity and full-text relevance, fused by reciprocal rank: a document's score is
 * the sum of 1 / (60 + rank) over the rankings, plus one more for a title that names an alert
 * name of the query exactly (an alert must find the runbook written for it, not its sibling). Ranks, not raw scores, so neither cosine
 * nor ts_rank needs calibrating; an exact alert name lifts its runbook through the keyword
 * ranking, a paraphrase through the vector one.
 */
public final class HybridSearch {
  static final int RRF_K = 60;
  static final int CANDIDATES = 40;

  private final KnowledgeStore store;
  private final VectorStore vectors;

  public HybridSearch(KnowledgeStore store, VectorStore vectors) {
    this.store = store;
    this.vectors = vectors;
  }

  // Words in more than a fifth of the chunks say little and match most rows: left out of the
  // keyword side (like BM25's low weight for them), refreshed in the background every few minutes.
  private static final double COMMON_SHARE = 0.2;
  private static final int COMMON_MIN_CHUNKS = 500;
  private static final long COMMON_REFRESH_MS = 5 * 60_000;
  private volatile List<String> common = List.of();
  private volatile long commonAt;
  private volatile boolean refreshing;

  private Future<List<String>> commonWords() {
    long now = System.currentTimeMillis();
    if (!refreshing && now - commonAt > COMMON_REFRESH_MS) {
      refreshing = true;
      commonAt = now;
      store.commonLexemes(COMMON_SHARE, COMMON_MIN_CHUNKS)
          .onSuccess(words -> common = words)
          .onComplete(r -> refreshing = false);
    }
    return Future.succeededFuture(common);
  }

  /** @param vector the query's embedding, or null for keywords only (embedder down) */
  public Future<List<SearchResult>> search(String query, float[] vector, String model,
      Set<KnowledgeCollection> collections, int limit) {
    Future<List<VectorHit>> byVector = vector == null
        ? Future.succeededFuture(List.of())
        : vectors.nearest(vector, model, collections, CANDIDATES);
    Future<TextHits> byText = commonWords().compose(common -> store.textSearch(query + " " + Keywords.spelledOut(query),
        common, Keywords.identifiers(query), collections, CANDIDATES));
    return Future.all(byVector, byText)
        .compose(all -> fuse(byVector.result(), byText.result().byKeyword(), byText.result().byTitle(), limit));
  }

  private Future<List<SearchResult>> fuse(List<VectorHit> vectorHits, List<KeywordHit> keywordHits,
      List<KeywordHit> titleHits, int limit) {
    Map<Long, Double> scores = new LinkedHashMap<>();
    Map<Long, Long> bestChunk = new LinkedHashMap<>();
    int rank = 0;
    for (VectorHit hit : vectorHits) {
      if (!bestChunk.containsKey(hit.documentId())) {
        bestChunk.put(hit.documentId(), hit.chunkId());
        scores.merge(hit.documentId(), 1.0 / (RRF_K + ++rank), Double::sum);
      }
    }
    rank = 0;
    Map<Long, Boolean> seen = new LinkedHashMap<>();
    for (KeywordHit hit : keywordHits) {
      if (seen.putIfAbsent(hit.documentId(), true) == null) {
        bestChunk.putIfAbsent(hit.documentId(), hit.chunkId());
        scores.merge(hit.documentId(), 1.0 / (RRF_K + ++rank), Double::sum);
      }
    }
    // A title that names the alert exactly is the third ranking: every such document shares rank one.
    for (KeywordHit hit : titleHits) {
      bestChunk.putIfAbsent(hit.documentId(), hit.chunkId());
      scores.merge(hit.documentId(), 1.0 / (RRF_K + 1), Double::sum);
    }
    List<Long> top = scores.entrySet().stream()
        .sorted(Map.Entry.<Long, Double>comparingByValue().reversed())
        .limit(limit).map(Map.Entry::getKey).toList();
    if (top.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return store.chunks(top.stream().map(bestChunk::get).toList()).map(rows -> {
      Map<Long, ChunkRow> byDocument = new LinkedHashMap<>();
      rows.forEach(row -> byDocument.put(row.documentId(), row));
      List<SearchResult> results = new ArrayList<>();
      for (long documentId : top) {
        ChunkRow row = byDocument.get(documentId);
        if (row != null) {  // deleted meanwhile
          results.add(new SearchResult(documentId, row.collection(), row.title(), scores.get(documentId),
              row.heading(), row.body(), row.tags(), row.incidentId()));
        }
      }
      results.sort(Comparator.comparingDouble(SearchResult::score).reversed());
      return results;
    });
  }
}
