package iris.enroll;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.file.FileSystem;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import iris.EventAddress;
import iris.http.ApiKeyAuth;
import iris.http.HttpProblem;
import iris.http.Json;
import iris.http.Scope;
import iris.enroll.EnrollmentStore.NewJob;
import iris.prometheus.PrometheusInstance;
import iris.registry.HostStore;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code /api/v1/hosts/enrollments} (one host), {@code …/batch} (CSV, JSON or YAML), the batch
 * template, retries, and unenrollment through {@code DELETE /api/v1/hosts/{id}}. Every request and
 * every batch row is validated before any job exists; credentials are sealed before they are stored.
 */
public final class EnrollmentRoutes {
  private static final Set<String> STRATEGIES = Set.of("sequential", "concurrent");
  private static final int DEFAULT_CONCURRENCY = 10;

  private final EnrollmentStore store;
  private final HostStore hosts;
  private final SecretBox secrets;
  private final List<PrometheusInstance> prometheus;
  private final iris.IrisConfig.Enroll settings;
  private final EventBus bus;
  private final FileSystem files;

  public EnrollmentRoutes(EnrollmentStore store, HostStore hosts, SecretBox secrets, List<PrometheusInstance> prometheus,
                          iris.IrisConfig.Enroll settings, EventBus bus, FileSystem files) {
    this.settings = settings;
    this.store = store;
    this.hosts = hosts;
    this.secrets = secrets;
    this.prometheus = prometheus;
    this.bus = bus;
    this.files = files;
  }

  /** Register before the registry's routes: these paths are more specific than {@code /hosts/:id}. */
  public void addRoutes(Router router) {
    String base = "/api/v1/hosts/enrollments";
    router.get(base + "/batch/template").handler(ApiKeyAuth.require(Scope.READ)).handler(this::template);
    router.post(base + "/batch").handler(ApiKeyAuth.require(Scope.WRITE)).handler(this::batch);
    router.get(base + "/batch/:id").handler(ApiKeyAuth.require(Scope.READ)).handler(this::findBatch);
    router.post(base + "/batch/:id/retry").handler(ApiKeyAuth.require(Scope.WRITE)).handler(this::retry);
    router.post(base).handler(ApiKeyAuth.require(Scope.WRITE)).handler(this::enroll);
    router.get(base).handler(ApiKeyAuth.require(Scope.READ)).handler(this::list);
    router.get(base + "/:id").handler(ApiKeyAuth.require(Scope.READ)).handler(this::find);
    router.delete("/api/v1/hosts/:id").handler(ApiKeyAuth.require(Scope.WRITE)).handler(this::unenroll);
  }

  private void enroll(RoutingContext ctx) {
    EnrollmentRequest request = EnrollmentRequest.parse(Json.body(ctx), "");
    validateNames(List.of(request), false)
        .compose(v -> store.create(List.of(newJob(request)), ApiKeyAuth.principalName(ctx)))
        .onSuccess(ids -> {
          announce(ids);
          long id = ids.get(0);
          Json.send(ctx, 202, new JsonObject().put("id", id).put("state", "queued").put("target", request.target())
              .put("href", "/api/v1/hosts/enrollments/" + id));
        })
        .onFailure(ctx::fail);
  }

  private void batch(RoutingContext ctx) {
    List<FileUpload> uploads = ctx.fileUploads();
    JsonObject options;
    List<JsonObject> rows;
    if (!uploads.isEmpty()) {
      if (uploads.size() > 1) {
        throw HttpProblem.badRequest("file", "send one file per batch");
      }
      FileUpload upload = uploads.get(0);
      String format = ctx.request().getFormAttribute("format");
      format = format != null && !format.isBlank() ? format.strip().toLowerCase(Locale.ROOT)
          : BatchFile.formatOf(upload.fileName(), upload.contentType());
      if (format == null || !BatchFile.FORMATS.contains(format)) {
        throw HttpProblem.badRequest("format", "name the file .csv, .json or .yaml, or send a 'format' field");
      }
      options = new JsonObject().put("strategy", ctx.request().getFormAttribute("strategy"))
          .put("concurrency", ctx.request().getFormAttribute("concurrency"));
      String chosen = format;
      files.readFile(upload.uploadedFileName()).onSuccess(content -> {
        try {
          List<JsonObject> parsed = BatchFile.parse(content.getBytes(), chosen);
          JsonObject fileOptions = fileOptions(content, chosen);
          submitBatch(ctx, merge(options, fileOptions), parsed);
        } catch (HttpProblem problem) {
          ctx.fail(problem);
        }
      }).onFailure(ctx::fail);
      return;
    }
    JsonObject body = Json.body(ctx);
    if (!(body.getValue("hosts") instanceof JsonArray hostsArray)) {
      throw HttpProblem.badRequest("hosts", "required: a list of enrollment requests (or upload a CSV, JSON or YAML file as multipart 'file')");
    }
    rows = BatchFile.rows(hostsArray);
    submitBatch(ctx, body, rows);
  }

  /** A JSON or YAML file may carry its own strategy and concurrency; form fields win. */
  private static JsonObject fileOptions(Buffer content, String format) {
    if (format.equals("csv")) {
      return new JsonObject();
    }
    try {
      var mapper = format.equals("json") ? new com.fasterxml.jackson.databind.ObjectMapper()
          : new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
      var root = mapper.readTree(content.getBytes());
      if (root != null && root.isObject()) {
        JsonObject options = new JsonObject();
        if (root.has("strategy")) {
          options.put("strategy", root.get("strategy").asText());
        }
        if (root.has("concurrency")) {
          options.put("concurrency", root.get("concurrency").asText());
        }
        return options;
      }
    } catch (java.io.IOException e) {
      // parse() already said what is wrong with the file
    }
    return new JsonObject();
  }

  private static JsonObject merge(JsonObject form, JsonObject file) {
    JsonObject merged = file.copy();
    form.forEach(e -> {
      if (e.getValue() != null && !String.valueOf(e.getValue()).isBlank()) {
        merged.put(e.getKey(), e.getValue());
      }
    });
    return merged;
  }

  private void submitBatch(RoutingContext ctx, JsonObject options, List<JsonObject> rows) {
    String strategy = options.getValue("strategy") == null ? "concurrent"
        : String.valueOf(options.getValue("strategy")).strip().toLowerCase(Locale.ROOT);
    if (!STRATEGIES.contains(strategy)) {
      throw HttpProblem.badRequest("strategy", "must be sequential or concurrent");
    }
    int concurrency = DEFAULT_CONCURRENCY;
    Object raw = options.getValue("concurrency");
    if (raw != null && !String.valueOf(raw).isBlank()) {
      try {
        concurrency = Integer.parseInt(String.valueOf(raw).strip());
      } catch (NumberFormatException e) {
        concurrency = -1;
      }
      if (concurrency < 1 || concurrency > 200) {
        throw HttpProblem.badRequest("concurrency", "must be a whole number from 1 to 200");
      }
    }
    if (strategy.equals("sequential")) {
      concurrency = 1;
    }
    if (rows.isEmpty()) {
      throw HttpProblem.badRequest("hosts", "holds no hosts");
    }
    List<EnrollmentRequest> requests = new ArrayList<>();
    Set<String> targets = new LinkedHashSet<>();
    for (int i = 0; i < rows.size(); i++) {
      EnrollmentRequest request = EnrollmentRequest.parse(rows.get(i), "rows[" + i + "].");
      if (!targets.add(request.target())) {
        throw HttpProblem.badRequest("rows[" + i + "].address", request.target() + " appears twice in this batch");
      }
      requests.add(request);
    }
    int bound = concurrency;
    validateNames(requests, true)
        .compose(v -> store.createBatch(strategy, bound, ApiKeyAuth.principalName(ctx), requests.stream().map(this::newJob).toList()))
        .onSuccess(batchId -> {
          EventAddress.ENROLL_JOB.publish(bus, EnrollmentQueued.batch(batchId));
          Json.send(ctx, 202, new JsonObject().put("id", batchId).put("strategy", strategy).put("concurrency", bound)
              .put("total", requests.size()).put("href", "/api/v1/hosts/enrollments/batch/" + batchId));
        })
        .onFailure(ctx::fail);
  }

  /** Unknown services, maintainers or Prometheus instances are a 400 naming the row and field. */
  private Future<Void> validateNames(List<EnrollmentRequest> requests, boolean rows) {
    for (int i = 0; i < requests.size(); i++) {
      EnrollmentRequest r = requests.get(i);
      String where = rows ? "rows[" + i + "]." : "";
      if (r.prometheus() != null && prometheus.stream().noneMatch(p -> p.name().equals(r.prometheus()))) {
        return Future.failedFuture(HttpProblem.badRequest(where + "prometheus", "unknown Prometheus instance '" + r.prometheus()
            + "'; configured: " + prometheus.stream().map(PrometheusInstance::name).toList()));
      }
      if (r.credential().privateKeyPath() != null && SshConnector.keyFile(settings.keysDir(), r.credential().privateKeyPath()) == null) {
        return Future.failedFuture(HttpProblem.badRequest(where + "auth.private_key_path", "must name a file inside "
            + settings.keysDir() + " (enroll.keys_dir)"));
      }
      String source = r.alloySource() != null ? r.alloySource() : settings.alloy().source();
      if (source.equals("mirror") && settings.alloy().mirrorUrl().isEmpty()) {
        return Future.failedFuture(HttpProblem.badRequest(where + "alloy_source", "'mirror' needs enroll.alloy.mirror_url"
            + " (IRIS_ENROLL_ALLOY_MIRROR_URL), which is not set"));
      }
      if (r.prometheus() == null && PrometheusInstance.forEnvironment(prometheus, r.environment()) == null) {
        return Future.failedFuture(HttpProblem.badRequest(where + "environment", "no configured Prometheus instance serves '"
            + r.environment() + "'"));
      }
    }
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < requests.size(); i++) {
      EnrollmentRequest r = requests.get(i);
      String where = rows ? "rows[" + i + "]." : "";
      chain = chain.compose(v -> unknown(where + "services", "services", r.services()))
          .compose(v -> unknown(where + "maintainers", "maintainers", r.maintainers()))
          .compose(v -> hostnameFree(where + "hostname", r));
    }
    return chain;
  }

  /** A hostname another registry host holds at another address is a 409, unless the request says "replace". */
  private Future<Void> hostnameFree(String field, EnrollmentRequest r) {
    if (r.hostname() == null || r.replace()) {
      return Future.succeededFuture();
    }
    return hosts.heldElsewhere(r.hostname(), r.address()).compose(taken -> taken == null ? Future.succeededFuture()
        : Future.failedFuture(new HttpProblem(409, "hostname_taken", field + ": " + taken.getMessage(), field)));
  }

  private Future<Void> unknown(String field, String table, List<String> names) {
    return hosts.unknownNames(table, names).compose(unknown -> unknown.isEmpty() ? Future.succeededFuture()
        : Future.failedFuture(HttpProblem.badRequest(field, "unknown " + table + ": " + String.join(", ", unknown))));
  }

  private NewJob newJob(EnrollmentRequest request) {
    return new NewJob("enroll", request.target(), request.os(), request.toJson(),
        secrets.seal(request.credential().toJson().encode()), null);
  }

  private void find(RoutingContext ctx) {
    long id = Json.pathId(ctx, "id");
    store.find(id).onSuccess(job -> {
      if (job == null) {
        ctx.fail(HttpProblem.notFound("enrollment " + id));
      } else {
        Json.ok(ctx, job);
      }
    }).onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    int limit = Json.intParam(ctx, "limit", 100, 1, 500);
    long after = Json.intParam(ctx, "cursor", 0, 0, Integer.MAX_VALUE);
    String state = ctx.queryParams().get("state");
    if (state != null && !Set.of("queued", "running", "succeeded", "failed").contains(state)) {
      throw HttpProblem.badRequest("state", "must be queued, running, succeeded or failed");
    }
    store.list(after, limit, state).onSuccess(items -> Json.ok(ctx, new JsonObject().put("items", new JsonArray(new ArrayList<>(items)))
        .put("next", items.size() == limit ? String.valueOf(items.get(items.size() - 1).getLong("id")) : null))).onFailure(ctx::fail);
  }

  private void findBatch(RoutingContext ctx) {
    long id = Json.pathId(ctx, "id");
    store.findBatch(id).onSuccess(batch -> {
      if (batch == null) {
        ctx.fail(HttpProblem.notFound("batch " + id));
      } else {
        Json.ok(ctx, batch);
      }
    }).onFailure(ctx::fail);
  }

  private void retry(RoutingContext ctx) {
    long id = Json.pathId(ctx, "id");
    store.findBatch(id).compose(batch -> batch == null ? Future.failedFuture(HttpProblem.notFound("batch " + id))
            : store.retryFailed(id, ApiKeyAuth.principalName(ctx)))
        .onSuccess(ids -> {
          announce(ids);
          Json.send(ctx, 202, new JsonObject().put("id", id).put("retried", ids.size()).put("jobs", new JsonArray(new ArrayList<>(ids)))
              .put("href", "/api/v1/hosts/enrollments/batch/" + id));
        }).onFailure(ctx::fail);
  }

  private void template(RoutingContext ctx) {
    String format = ctx.queryParams().get("format") == null ? "csv" : ctx.queryParams().get("format").toLowerCase(Locale.ROOT);
    if (!BatchFile.FORMATS.contains(format)) {
      throw HttpProblem.badRequest("format", "must be csv, json or yaml");
    }
    String type = switch (format) {
      case "csv" -> "text/csv";
      case "yaml" -> "application/yaml";
      default -> "application/json";
    };
    ctx.response().putHeader("Content-Type", type + "; charset=utf-8")
        .putHeader("Content-Disposition", "attachment; filename=\"iris-enrollment." + format + "\"")
        .end(BatchFile.template(format));
  }

  /** An enrolled host is unenrolled by a job (targets removed, agent stopped when asked); others pass to the registry. */
  private void unenroll(RoutingContext ctx) {
    long id = Json.pathId(ctx, "id");
    String stop = ctx.queryParams().get("stop_agent");
    if (stop != null && !Set.of("true", "false").contains(stop)) {
      throw HttpProblem.badRequest("stop_agent", "must be true or false");
    }
    hosts.find(id).onSuccess(host -> {
      if (host == null || host.getString("enrolled_at") == null) {
        ctx.next();
        return;
      }
      JsonObject request = new JsonObject().put("host_id", id).put("hostname", host.getString("hostname"))
          .put("stop_agent", "true".equals(stop));
      store.create(List.of(new NewJob("unenroll", "host-" + id, "auto", request, null, id)), ApiKeyAuth.principalName(ctx))
          .onSuccess(ids -> {
            announce(ids);
            Json.send(ctx, 202, new JsonObject().put("id", ids.get(0)).put("kind", "unenroll").put("state", "queued")
                .put("href", "/api/v1/hosts/enrollments/" + ids.get(0)));
          }).onFailure(ctx::fail);
    }).onFailure(ctx::fail);
  }

  private void announce(List<Long> ids) {
    if (!ids.isEmpty()) {
      EventAddress.ENROLL_JOB.publish(bus, EnrollmentQueued.jobs(ids));
    }
  }

}
