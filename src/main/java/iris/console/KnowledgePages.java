package iris.console;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.multipart.MultipartForm;
import iris.http.Scope;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/** Knowledge: search, the documents of a collection, import of runbook files, one document read as Markdown. */
final class KnowledgePages {
  static final List<String> COLLECTIONS = List.of("runbooks", "incidents", "infrastructure");
  private static final Parser MARKDOWN = Parser.builder().extensions(List.of(TablesExtension.create())).build();
  /** Raw HTML in a document is shown as text, and only safe link schemes stay links. */
  private static final HtmlRenderer HTML = HtmlRenderer.builder().extensions(List.of(TablesExtension.create()))
      .escapeHtml(true).sanitizeUrls(true).build();

  private final ConsoleWeb web;

  KnowledgePages(ConsoleWeb web) {
    this.web = web;
  }

  void addRoutes(Router router) {
    router.get("/console/knowledge").handler(ctx -> web.page(ctx, s -> list(ctx, s)));
    router.post("/console/knowledge/import").handler(ctx -> web.action(ctx, Scope.WRITE, s -> upload(ctx, s)));
    router.get("/console/knowledge/:collection/:id").handler(ctx -> web.page(ctx, s -> read(ctx, s)));
  }

  private void list(RoutingContext ctx, ConsoleSession session) {
    String collection = ConsoleWeb.param(ctx, "collection");
    String shown = collection != null && COLLECTIONS.contains(collection) ? collection : "runbooks";
    String q = ConsoleWeb.param(ctx, "q");
    web.onOk(ctx, session, web.api.get(session, "/api/v1/knowledge/" + shown + "/documents",
        ConsoleApi.params("limit", "100", "cursor", ConsoleWeb.param(ctx, "cursor"))), documents -> {
          Map<String, Object> model = new HashMap<>();
          model.put("collection", shown);
          model.put("collections", COLLECTIONS);
          model.put("documents", Plain.of(documents.json().getJsonArray("documents", new JsonArray())));
          model.put("q", q == null ? "" : q);
          if (q == null) {
            web.render(ctx, session, "console/knowledge.ftlh", "knowledge", model);
            return;
          }
          web.onOk(ctx, session, web.api.get(session, "/api/v1/knowledge/search",
              ConsoleApi.params("q", q, "collection", collection, "limit", "20")), results -> {
                model.put("results", Plain.of(results.json().getJsonArray("results", new JsonArray())));
                web.render(ctx, session, "console/knowledge.ftlh", "knowledge", model);
              });
        });
  }

  private void upload(RoutingContext ctx, ConsoleSession session) {
    String collection = ConsoleWeb.form(ctx, "collection");
    if (collection == null || !COLLECTIONS.contains(collection)) {
      web.error(ctx, session, 400, "Not accepted", "Choose a collection: runbooks, incidents or infrastructure.");
      return;
    }
    List<FileUpload> files = ctx.fileUploads().stream().filter(f -> f.name().equals("files") && f.size() > 0).toList();
    if (files.isEmpty()) {
      web.error(ctx, session, 400, "Nothing uploaded", "Choose one or more .md or .txt files.");
      return;
    }
    MultipartForm form = MultipartForm.create();
    files.forEach(f -> form.textFileUpload("files", f.fileName(), f.uploadedFileName(), "text/markdown"));
    String tags = ConsoleWeb.form(ctx, "tags");
    if (tags != null) {
      form.attribute("tags", tags);
    }
    String service = ConsoleWeb.form(ctx, "service");
    if (service != null) {
      form.attribute("service", service);
    }
    web.onOk(ctx, session, web.api.upload(session, "/api/v1/knowledge/" + collection + "/import", form),
        a -> ConsoleWeb.redirect(ctx, "/console/knowledge?collection=" + collection));
  }

  private void read(RoutingContext ctx, ConsoleSession session) {
    String collection = ctx.pathParam("collection");
    if (!COLLECTIONS.contains(collection)) {
      web.error(ctx, session, 404, "Not found", "There is no collection " + collection + ".");
      return;
    }
    String id = RegistryPages.digits(ctx.pathParam("id"));
    web.onOk(ctx, session, web.api.get(session, "/api/v1/knowledge/" + collection + "/documents/" + id), answer -> {
      JsonObject document = answer.json();
      Map<String, Object> model = new HashMap<>();
      model.put("collection", collection);
      model.put("document", Plain.of(document));
      model.put("html", HTML.render(MARKDOWN.parse(document.getString("content", ""))));
      web.render(ctx, session, "console/document.ftlh", "knowledge", model);
    });
  }
}
