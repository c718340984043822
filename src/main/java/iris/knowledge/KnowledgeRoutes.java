package iris.knowledge;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.FileSystem;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import iris.http.ApiKeyAuth;
import iris.http.HttpProblem;
import iris.http.Json;
import iris.http.Scope;
import iris.knowledge.KnowledgeStore.Document;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** {@code /api/v1/knowledge}: documents per collection, bulk import, hybrid search. */
public final class KnowledgeRoutes {
  private static final Set<String> FIELDS = Set.of("title", "content", "tags", "service", "source");
  private static final int MAX_CONTENT = 1_000_000;
  private static final int MAX_TAGS = 50;
  private static final int MAX_FILES = 1000;

  private final KnowledgeBase knowledge;
  private final FileSystem files;

  public KnowledgeRoutes(KnowledgeBase knowledge, FileSystem files) {
    this.knowledge = knowledge;
    this.files = files;
  }

  public void addRoutes(Router router) {
    String documents = "/api/v1/knowledge/:collection/documents";
    router.get("/api/v1/knowledge/search").handler(ApiKeyAuth.require(Scope.READ)).handler(this::search);
    router.post(documents).handler(ApiKeyAuth.require(Scope.WRITE)).handler(this::create);
    router.get(documents).handler(ApiKeyAuth.require(Scope.READ)).handler(this::list);
    router.get(documents + "/:id").handler(ApiKeyAuth.require(Scope.READ)).handler(this::get);
    router.put(documents + "/:id").handler(ApiKeyAuth.require(Scope.WRITE)).handler(this::update);
    router.delete(documents + "/:id").handler(ApiKeyAuth.require(Scope.WRITE)).handler(this::delete);
    router.post("/api/v1/knowledge/:collection/import").handler(ApiKeyAuth.require(Scope.WRITE)).handler(this::importFiles);
  }

  private void create(RoutingContext ctx) {
    KnowledgeCollection collection = collection(ctx);
    Document doc = document(collection, Json.body(ctx));
    knowledge.add(doc).onSuccess(indexed -> Json.send(ctx, 201, json(indexed))).onFailure(ctx::fail);
  }

  private void update(RoutingContext ctx) {
    KnowledgeCollection collection = collection(ctx);
    long id = Json.pathId(ctx, "id");
    Document doc = document(collection, Json.body(ctx));
    knowledge.update(id, doc).onSuccess(indexed -> {
      if (indexed == null) {
        ctx.fail(HttpProblem.notFound("document " + id + " in " + collection.id()));
      } else {
        Json.ok(ctx, json(indexed).put("reindexed", indexed.chunks() >= 0));
      }
    }).onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    KnowledgeCollection collection = collection(ctx);
    long id = Json.pathId(ctx, "id");
    knowledge.delete(collection, id).onSuccess(found -> {
      if (found) {
        ctx.response().setStatusCode(204).end();
      } else {
        ctx.fail(HttpProblem.notFound("document " + id + " in " + collection.id()));
      }
    }).onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    KnowledgeCollection collection = collection(ctx);
    long id = Json.pathId(ctx, "id");
    knowledge.store().find(collection, id).onSuccess(doc -> {
      if (doc == null) {
        ctx.fail(HttpProblem.notFound("document " + id + " in " + collection.id()));
      } else {
        Json.ok(ctx, doc);
      }
    }).onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    KnowledgeCollection collection = collection(ctx);
    int limit = Json.intParam(ctx, "limit", 50, 1, 500);
    long after = Json.intParam(ctx, "cursor", 0, 0, Integer.MAX_VALUE);
    knowledge.store().list(collection, after, limit).onSuccess(docs -> {
      JsonObject body = new JsonObject().put("documents", new JsonArray(new ArrayList<>(docs)));
      if (docs.size() == limit) {
        body.put("next_cursor", String.valueOf(docs.get(docs.size() - 1).getLong("id")));
      }
      Json.ok(ctx, body);
    }).onFailure(ctx::fail);
  }

  private void search(RoutingContext ctx) {
    String q = ctx.queryParams().get("q");
    if (q == null || q.isBlank()) {
      throw HttpProblem.badRequest("q", "required");
    }
    if (q.length() > 4000) {
      throw HttpProblem.badRequest("q", "longer than 4000 characters");
    }
    String name = ctx.queryParams().get("collection");
    Set<KnowledgeCollection> collections = name == null || name.isBlank()
        ? EnumSet.allOf(KnowledgeCollection.class)
        : EnumSet.of(KnowledgeCollection.fromId(name).orElseThrow(() ->
            HttpProblem.badRequest("collection", "must be runbooks, incidents or infrastructure")));
    int limit = Json.intParam(ctx, "limit", 5, 1, 50);
    knowledge.search(q, collections, limit).onSuccess(results -> Json.ok(ctx, new JsonObject()
        .put("results", new JsonArray(results.stream().map(SearchResult::toJson).toList()))))
        .onFailure(ctx::fail);
  }

  /** Multipart upload of Markdown or text files: one document each, titled by its first heading. */
  private void importFiles(RoutingContext ctx) {
    KnowledgeCollection collection = collection(ctx);
    List<FileUpload> uploads = ctx.fileUploads();
    if (uploads.isEmpty()) {
      throw HttpProblem.badRequest("files", "send one or more Markdown or text files as multipart/form-data");
    }
    if (uploads.size() > MAX_FILES) {
      throw HttpProblem.badRequest("files", "at most " + MAX_FILES + " files per import");
    }
    for (FileUpload upload : uploads) {
      String name = upload.fileName().toLowerCase(Locale.ROOT);
      if (!(name.endsWith(".md") || name.endsWith(".markdown") || name.endsWith(".txt"))) {
        throw HttpProblem.badRequest("files", upload.fileName() + ": only .md, .markdown and .txt files are accepted");
      }
    }
    String tags = ctx.request().getFormAttribute("tags");
    List<String> tagList = tags == null || tags.isBlank() ? List.of()
        : List.of(tags.split(",")).stream().map(String::strip).filter(t -> !t.isEmpty()).toList();
    String service = ctx.request().getFormAttribute("service");
    // Read every file first, so a bad one rejects the whole import before anything is stored.
    List<Future<Buffer>> reads = uploads.stream().map(u -> files.readFile(u.uploadedFileName())).toList();
    Future.all(reads).compose(all -> {
      List<Document> docs = new ArrayList<>();
      for (int i = 0; i < uploads.size(); i++) {
        String text = reads.get(i).result().toString();
        String fileName = uploads.get(i).fileName();
        if (text.isBlank()) {
          return Future.failedFuture(HttpProblem.badRequest("files", fileName + ": empty file"));
        }
        docs.add(new Document(collection, MarkdownChunker.title(text, fileName), text, tagList, service, fileName));
      }
      return importSequentially(docs, 0, new JsonArray());
    }).onSuccess(imported -> Json.send(ctx, 201, new JsonObject().put("imported", imported)))
        .onFailure(ctx::fail);
  }

  private Future<JsonArray> importSequentially(List<Document> docs, int index, JsonArray done) {
    if (index == docs.size()) {
      return Future.succeededFuture(done);
    }
    Document doc = docs.get(index);
    return knowledge.add(doc).compose(indexed -> {
      done.add(json(indexed).put("title", doc.title()).put("file", doc.source()));
      return importSequentially(docs, index + 1, done);
    });
  }

  private static Document document(KnowledgeCollection collection, JsonObject body) {
    Json.onlyFields(body, FIELDS);
    String title = Json.requiredString(body, "title", 300);
    String content = Json.requiredString(body, "content", MAX_CONTENT);
    Object rawTags = body.getValue("tags");
    List<String> tags = new ArrayList<>();
    if (rawTags != null) {
      if (!(rawTags instanceof JsonArray array) || array.size() > MAX_TAGS) {
        throw HttpProblem.badRequest("tags", "must be an array of at most " + MAX_TAGS + " strings");
      }
      for (Object tag : array) {
        if (!(tag instanceof String s) || s.isBlank() || s.length() > 100) {
          throw HttpProblem.badRequest("tags", "every tag must be a non-empty string of at most 100 characters");
        }
        tags.add(s);
      }
    }
    return new Document(collection, title, content, tags, Json.optionalString(body, "service", 200),
        Json.optionalString(body, "source", 2000));
  }

  private static KnowledgeCollection collection(RoutingContext ctx) {
    String name = ctx.pathParam("collection");
    return KnowledgeCollection.fromId(name).orElseThrow(() ->
        HttpProblem.notFound("collection '" + name + "' (use runbooks, incidents or infrastructure)"));
  }

  private static JsonObject json(KnowledgeBase.Indexed indexed) {
    JsonObject json = new JsonObject().put("id", indexed.id()).put("embedded", indexed.embedded());
    if (indexed.chunks() >= 0) {
      json.put("chunks", indexed.chunks());
    }
    return json;
  }
}
