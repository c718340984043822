package iris.console;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.multipart.MultipartForm;
import iris.http.Scope;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/** Enrollments: start one or upload a batch; each job and batch with a live progress bar; retry of failed rows. */
final class EnrollmentPages {
  private final ConsoleWeb web;

  EnrollmentPages(ConsoleWeb web) {
    this.web = web;
  }

  void addRoutes(Router router) {
    router.get("/console/enrollments").handler(ctx -> web.page(ctx, s -> list(ctx, s)));
    router.post("/console/enrollments").handler(ctx -> web.action(ctx, Scope.WRITE, s -> start(ctx, s)));
    router.post("/console/enrollments/batch").handler(ctx -> web.action(ctx, Scope.WRITE, s -> upload(ctx, s)));
    router.get("/console/enrollments/batches/:id").handler(ctx -> web.page(ctx, s -> batch(ctx, s)));
    router.post("/console/enrollments/batches/:id/retry").handler(ctx -> web.action(ctx, Scope.WRITE, s -> retry(ctx, s)));
    router.get("/console/enrollments/:id").handler(ctx -> web.page(ctx, s -> job(ctx, s)));
  }

  private void list(RoutingContext ctx, ConsoleSession session) {
    Map<String, String> query = ConsoleApi.params("limit", "200", "state", ConsoleWeb.param(ctx, "state"));
    web.onOk(ctx, session, web.api.get(session, "/api/v1/hosts/enrollments", query), answer -> {
      JsonArray items = answer.json().getJsonArray("items", new JsonArray());
      // The API lists oldest first; people look for the latest.
      JsonArray newest = new JsonArray();
      for (int i = items.size() - 1; i >= 0; i--) {
        newest.add(items.getValue(i));
      }
      Map<String, Object> model = new HashMap<>();
      model.put("jobs", Plain.of(newest));
      web.render(ctx, session, "console/enrollments.ftlh", "enrollments", model);
    });
  }

  private void start(RoutingContext ctx, ConsoleSession session) {
    JsonObject request = new JsonObject();
    put(request, "address", ConsoleWeb.form(ctx, "address"));
    String port = ConsoleWeb.form(ctx, "port");
    if (port != null) {
      try {
        request.put("port", Integer.parseInt(port));
      } catch (NumberFormatException e) {
        web.error(ctx, session, 400, "Not accepted", "The port must be a number.");
        return;
      }
    }
    put(request, "os", ConsoleWeb.form(ctx, "os"));
    put(request, "username", ConsoleWeb.form(ctx, "username"));
    JsonObject auth = new JsonObject();
    put(auth, "private_key", ConsoleWeb.form(ctx, "private_key"));
    put(auth, "passphrase", ConsoleWeb.form(ctx, "passphrase"));
    put(auth, "private_key_path", ConsoleWeb.form(ctx, "private_key_path"));
    put(auth, "password", ConsoleWeb.form(ctx, "password"));
    request.put("auth", auth);
    put(request, "host_key_fingerprint", ConsoleWeb.form(ctx, "host_key_fingerprint"));
    if (ConsoleWeb.form(ctx, "trust_on_first_use") != null) {
      request.put("trust_on_first_use", true);
    }
    put(request, "hostname", ConsoleWeb.form(ctx, "hostname"));
    put(request, "environment", ConsoleWeb.form(ctx, "environment"));
    list(request, "services", ConsoleWeb.form(ctx, "services"));
    list(request, "maintainers", ConsoleWeb.form(ctx, "maintainers"));
    web.onOk(ctx, session, web.api.send(session, HttpMethod.POST, "/api/v1/hosts/enrollments", request),
        a -> ConsoleWeb.redirect(ctx, "/console/enrollments/" + a.json().getLong("id")));
  }

  private void upload(RoutingContext ctx, ConsoleSession session) {
    FileUpload file = ctx.fileUploads().stream().filter(f -> f.name().equals("file")).findFirst().orElse(null);
    if (file == null || file.size() == 0) {
      web.error(ctx, session, 400, "Nothing uploaded", "Choose a batch file (.csv, .json or .yaml).");
      return;
    }
    MultipartForm form = MultipartForm.create()
        .textFileUpload("file", file.fileName(), file.uploadedFileName(), contentType(file.fileName()));
    String strategy = ConsoleWeb.form(ctx, "strategy");
    if (strategy != null) {
      form.attribute("strategy", strategy);
    }
    String concurrency = ConsoleWeb.form(ctx, "concurrency");
    if (concurrency != null) {
      form.attribute("concurrency", concurrency);
    }
    web.onOk(ctx, session, web.api.upload(session, "/api/v1/hosts/enrollments/batch", form),
        a -> ConsoleWeb.redirect(ctx, "/console/enrollments/batches/" + a.json().getLong("id")));
  }

  private static String contentType(String name) {
    String lower = name.toLowerCase(java.util.Locale.ROOT);
    return lower.endsWith(".csv") ? "text/csv" : lower.endsWith(".json") ? "application/json" : "application/yaml";
  }

  private void job(RoutingContext ctx, ConsoleSession session) {
    String id = web.id(ctx, session, "enrollment");
    if (id == null) {
      return;
    }
    web.onOk(ctx, session, web.api.get(session, "/api/v1/hosts/enrollments/" + id), answer -> {
      Map<String, Object> model = new HashMap<>();
      JsonObject job = answer.json();
      job.remove("request"); // what was asked is in the steps; credentials never come back anyway
      model.put("job", Plain.of(job));
      web.render(ctx, session, "console/enrollment.ftlh", "enrollments", model);
    });
  }

  private void batch(RoutingContext ctx, ConsoleSession session) {
    String id = web.id(ctx, session, "batch");
    if (id == null) {
      return;
    }
    web.onOk(ctx, session, web.api.get(session, "/api/v1/hosts/enrollments/batch/" + id), answer -> {
      Map<String, Object> model = new HashMap<>();
      JsonObject batch = answer.json();
      batch.getJsonArray("jobs", new JsonArray()).forEach(j -> ((JsonObject) j).remove("request"));
      model.put("batch", Plain.of(batch));
      web.render(ctx, session, "console/batch.ftlh", "enrollments", model);
    });
  }

  private void retry(RoutingContext ctx, ConsoleSession session) {
    String id = web.id(ctx, session, "batch");
    if (id == null) {
      return;
    }
    web.onOk(ctx, session, web.api.send(session, HttpMethod.POST, "/api/v1/hosts/enrollments/batch/" + id + "/retry", null),
        a -> ConsoleWeb.redirect(ctx, "/console/enrollments/batches/" + id));
  }

  private static void put(JsonObject json, String name, String value) {
    if (value != null) {
      json.put(name, value);
    }
  }

  private static void list(JsonObject json, String name, String value) {
    if (value != null) {
      json.put(name, new JsonArray(Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList()));
    }
  }
}
