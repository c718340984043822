package iris.knowledge;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** All SQL on {@code knowledge_documents} and {@code knowledge_chunks}. */
public final class KnowledgeStore {

  /** A document as written by the API or learned from an incident. */
  public record Document(KnowledgeCollection collection, String title, String content, List<String> tags,
                         String service, String source) {}

  /** A chunk found by full-text search; {@code rank} from ts_rank_cd. */
  public record KeywordHit(long chunkId, long documentId, KnowledgeCollection collection, double rank) {}

  /** A chunk with its document's fields, for results and prompts. */
  public record ChunkRow(long chunkId, long documentId, KnowledgeCollection collection, String title,
                         String heading, String body, List<String> tags, Long incidentId) {}

  /** A chunk whose vector must be (re)computed. */
  public record PendingChunk(long chunkId, long documentId, KnowledgeCollection collection, String text) {}

  // The title weighs most, then the heading; spelled-out identifiers count like the title.
  private static final String INSERT_CHUNKS = """
      INSERT INTO knowledge_chunks (document_id, collection, ordinal, heading, body, search)
      SELECT $1, $2, o, h, b,
             setweight(to_tsvector('english', $3 || ' ' || $4), 'A')
             || setweight(to_tsvector('english', h), 'B') || to_tsvector('english', b)
      FROM unnest($5::int[], $6::text[], $7::text[]) AS x(o, h, b)
      RETURNING id, ordinal""";

  private static final String CHUNK_ROW = """
      SELECT c.id, c.document_id, c.collection, c.heading, c.body, d.title, d.tags, d.incident_id
      FROM knowledge_chunks c JOIN knowledge_documents d ON d.id = c.document_id""";

  private final Pool pool;

  public KnowledgeStore(Pool pool) {
    this.pool = pool;
  }

  /** Inserts a document and its chunks in one transaction; returns the document id and chunk ids. */
  public Future<Written> insert(Document doc, Long incidentId, String hash, List<Chunk> chunks) {
    String sql = """
        INSERT INTO knowledge_documents (collection, title, content, tags, service, source, incident_id, content_hash)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id""";
    return pool.withTransaction(conn -> conn.preparedQuery(sql)
        .execute(Tuple.of(doc.collection().id(), doc.title(), doc.content(), doc.tags().toArray(String[]::new),
            doc.service(), doc.source(), incidentId, hash))
        .compose(rows -> {
          long id = rows.iterator().next().getLong("id");
          return insertChunks(conn, id, doc, chunks).map(ids -> new Written(id, ids, true));
        }));
  }

  /** A write's outcome; {@code reindexed} false when the content was unchanged (chunks kept). */
  public record Written(long documentId, List<Long> chunkIds, boolean reindexed) {}

  /**
   * Replaces a document's fields; chunks are rewritten only when the content or title changed.
   * Null when no such document exists in that collection.
   */
  public Future<Written> update(long id, Document doc, String hash, List<Chunk> chunks) {
    String sql = """
        UPDATE knowledge_documents d SET title = $3, content = $4, tags = $5, service = $6, source = $7,
               content_hash = $8, updated_at = now()
        FROM (SELECT content_hash AS old_hash FROM knowledge_documents WHERE id = $1 FOR UPDATE) old
        WHERE d.id = $1 AND d.collection = $2
        RETURNING old.old_hash""";
    return pool.withTransaction(conn -> conn.preparedQuery(sql)
        .execute(Tuple.of(id, doc.collection().id(), doc.title(), doc.content(), doc.tags().toArray(String[]::new),
            doc.service(), doc.source(), hash))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(null);
          }
          if (hash.equals(rows.iterator().next().getString("old_hash"))) {
            return Future.succeededFuture(new Written(id, List.of(), false));
          }
          return conn.preparedQuery("DELETE FROM knowledge_chunks WHERE document_id = $1").execute(Tuple.of(id))
              .compose(v -> insertChunks(conn, id, doc, chunks))
              .map(ids -> new Written(id, ids, true));
        }));
  }

  /** The document learned from an incident, or null. */
  public Future<Long> documentOfIncident(long incidentId) {
    return pool.preparedQuery("SELECT id FROM knowledge_documents WHERE incident_id = $1").execute(Tuple.of(incidentId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getLong("id"));
  }

  private Future<List<Long>> insertChunks(SqlConnection conn, long documentId, Document doc, List<Chunk> chunks) {
    Integer[] ordinals = chunks.stream().map(Chunk::ordinal).toArray(Integer[]::new);
    String[] headings = chunks.stream().map(Chunk::heading).toArray(String[]::new);
    String[] bodies = chunks.stream().map(Chunk::body).toArray(String[]::new);
    String titleWords = Keywords.spelledOut(doc.title());
    return conn.preparedQuery(INSERT_CHUNKS)
        .execute(Tuple.of(documentId, doc.collection().id(), doc.title(), titleWords)
            .addArrayOfInteger(ordinals).addArrayOfString(headings).addArrayOfString(bodies))
        .map(rows -> {
          Long[] ids = new Long[chunks.size()];
          rows.forEach(row -> ids[row.getInteger("ordinal")] = row.getLong("id"));
          return Arrays.asList(ids);
        });
  }

  /** True when the document existed in that collection. */
  public Future<Boolean> delete(KnowledgeCollection collection, long id) {
    return pool.preparedQuery("DELETE FROM knowledge_documents WHERE id = $1 AND collection = $2")
        .execute(Tuple.of(id, collection.id())).map(rows -> rows.rowCount() == 1);
  }

  public Future<JsonObject> find(KnowledgeCollection collection, long id) {
    return pool.preparedQuery("SELECT d.*, (SELECT count(*) FROM knowledge_chunks c WHERE c.document_id = d.id) AS chunks "
            + "FROM knowledge_documents d WHERE id = $1 AND collection = $2")
        .execute(Tuple.of(id, collection.id()))
        .map(rows -> rows.size() == 0 ? null : json(rows.iterator().next(), true));
  }

  /** One page of a collection, oldest first, after {@code afterId}. */
  public Future<List<JsonObject>> list(KnowledgeCollection collection, long afterId, int limit) {
    return pool.preparedQuery("SELECT d.*, (SELECT count(*) FROM knowledge_chunks c WHERE c.document_id = d.id) AS chunks "
            + "FROM knowledge_documents d WHERE collection = $1 AND id > $2 ORDER BY id LIMIT $3")
        .execute(Tuple.of(collection.id(), afterId, limit))
        .map(rows -> {
          List<JsonObject> docs = new ArrayList<>();
          rows.forEach(row -> docs.add(json(row, false)));
          return docs;
        });
  }

  /** The two full-text rankings of one search. */
  public record TextHits(List<KeywordHit> byKeyword, List<KeywordHit> byTitle) {}

  /**
   * Both full-text rankings in one round trip. By keyword: chunks matching any word of
   * {@code text} (stemmed as PostgreSQL's English configuration does) except the {@code common}
   * ones, ranked by ts_rank; leaving out words that most chunks contain keeps the match set,
   * and the ranking work, small on a large knowledge base. By title: documents whose title
   * names one of {@code identifiers} as a whole word (a runbook titled "HostOutOfMemory: …" for
   * the alert HostOutOfMemory), with their first chunk.
   */
  public Future<TextHits> textSearch(String text, List<String> common, List<String> identifiers,
      Set<KnowledgeCollection> collections, int limit) {
    // The title side: LIKE first, a cheap substring filter, so the word-boundary regex runs on few titles.
    String sql = """
        WITH keyword AS (
          SELECT c.id, c.document_id, c.collection, ts_rank(c.search, x.q)::float8 AS rank
          FROM knowledge_chunks c,
               (SELECT string_agg(quote_literal(l), ' | ')::tsquery AS q
                FROM unnest(tsvector_to_array(to_tsvector('english', $1))) l
                WHERE l <> ALL($4::text[])) x
          WHERE c.search @@ x.q AND c.collection = ANY($2)
          ORDER BY rank DESC, c.id LIMIT $3),
        title AS (
          SELECT DISTINCT ON (d.id) c.id, d.id AS document_id, d.collection, 1.0::float8 AS rank
          FROM knowledge_documents d JOIN knowledge_chunks c ON c.document_id = d.id
          WHERE cardinality($5::text[]) > 0 AND d.collection = ANY($2) AND d.title LIKE ANY($6::text[])
            AND d.title ~ ('\\m(' || array_to_string($5::text[], '|') || ')\\M')
          ORDER BY d.id, c.ordinal LIMIT $3)
        SELECT * FROM (SELECT false AS by_title, * FROM keyword UNION ALL SELECT true, * FROM title) hits
        ORDER BY by_title, rank DESC, CASE WHEN by_title THEN document_id END, id""";
    String[] likes = identifiers.stream().map(i -> "%" + i + "%").toArray(String[]::new);
    Tuple params = Tuple.of(text).addArrayOfString(ids(collections)).addInteger(limit)
        .addArrayOfString(common.toArray(String[]::new)).addArrayOfString(identifiers.toArray(String[]::new))
        .addArrayOfString(likes);
    return pool.preparedQuery(sql).execute(params).map(rows -> {
      List<KeywordHit> byKeyword = new ArrayList<>();
      List<KeywordHit> byTitle = new ArrayList<>();
      rows.forEach(row -> (row.getBoolean("by_title") ? byTitle : byKeyword).add(new KeywordHit(row.getLong("id"),
          row.getLong("document_id"), collection(row), row.getDouble("rank"))));
      return new TextHits(byKeyword, byTitle);
    });
  }

  /** Lexemes found in more than {@code share} of all chunks (at least {@code minChunks} chunks in all). */
  public Future<List<String>> commonLexemes(double share, int minChunks) {
    String sql = """
        WITH total AS (SELECT count(*) AS n FROM knowledge_chunks)
        SELECT word FROM ts_stat('SELECT search FROM knowledge_chunks'), total
        WHERE total.n >= $2 AND ndoc > total.n * $1""";
    return pool.preparedQuery(sql).execute(Tuple.of(share, minChunks)).map(rows -> {
      List<String> words = new ArrayList<>();
      rows.forEach(row -> words.add(row.getString("word")));
      return words;
    });
  }

  public Future<List<ChunkRow>> chunks(List<Long> chunkIds) {
    return pool.preparedQuery(CHUNK_ROW + " WHERE c.id = ANY($1)")
        .execute(Tuple.of(chunkIds.toArray(Long[]::new))).map(rows -> {
          List<ChunkRow> out = new ArrayList<>();
          rows.forEach(row -> out.add(chunkRow(row)));
          return out;
        });
  }

  /** Chunks whose vector is missing or from another model, oldest first. */
  public Future<List<PendingChunk>> pending(String model, List<Long> onlyIds, int limit) {
    String sql = CHUNK_ROW + " WHERE c.embedding_model IS DISTINCT FROM $1"
        + (onlyIds == null ? "" : " AND c.id = ANY($3)") + " ORDER BY c.id LIMIT $2";
    Tuple params = Tuple.of(model, limit);
    if (onlyIds != null) {
      params.addArrayOfLong(onlyIds.toArray(Long[]::new));
    }
    return pool.preparedQuery(sql).execute(params).map(rows -> {
      List<PendingChunk> out = new ArrayList<>();
      rows.forEach(row -> {
        ChunkRow chunk = chunkRow(row);
        out.add(new PendingChunk(chunk.chunkId(), chunk.documentId(), chunk.collection(),
            new Chunk(0, chunk.heading(), chunk.body()).embeddingText(chunk.title())));
      });
      return out;
    });
  }

  /** Records which model produced the chunks' current vectors. */
  public Future<Void> markEmbedded(List<Long> chunkIds, String model, int dimension) {
    return pool.preparedQuery("UPDATE knowledge_chunks SET embedding_model = $2, embedding_dim = $3 WHERE id = ANY($1)")
        .execute(Tuple.of(chunkIds.toArray(Long[]::new), model, dimension)).mapEmpty();
  }

  public Future<Long> countPending(String model) {
    return pool.preparedQuery("SELECT count(*) AS n FROM knowledge_chunks WHERE embedding_model IS DISTINCT FROM $1")
        .execute(Tuple.of(model)).map(rows -> rows.iterator().next().getLong("n"));
  }

  private static ChunkRow chunkRow(Row row) {
    String[] tags = row.getArrayOfStrings("tags");
    return new ChunkRow(row.getLong("id"), row.getLong("document_id"), collection(row), row.getString("title"),
        row.getString("heading"), row.getString("body"), tags == null ? List.of() : List.of(tags), row.getLong("incident_id"));
  }

  private static KnowledgeCollection collection(Row row) {
    return KnowledgeCollection.fromId(row.getString("collection")).orElseThrow();
  }

  private static String[] ids(Set<KnowledgeCollection> collections) {
    return collections.stream().map(KnowledgeCollection::id).toArray(String[]::new);
  }

  private static JsonObject json(Row row, boolean withContent) {
    String[] tags = row.getArrayOfStrings("tags");
    JsonObject json = new JsonObject()
        .put("id", row.getLong("id"))
        .put("collection", row.getString("collection"))
        .put("title", row.getString("title"))
        .put("tags", new JsonArray(tags == null ? List.of() : Arrays.asList(tags)))
        .put("service", row.getString("service"))
        .put("source", row.getString("source"))
        .put("incident_id", row.getLong("incident_id"))
        .put("chunks", row.getLong("chunks"))
        .put("created_at", time(row.getOffsetDateTime("created_at")))
        .put("updated_at", time(row.getOffsetDateTime("updated_at")));
    if (withContent) {
      json.put("content", row.getString("content"));
    }
    return json;
  }

  private static String time(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }
}
