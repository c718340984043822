package iris.enroll;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import iris.IrisConfig;
import iris.http.ApiKey;
import iris.http.ApiKeyAuth;
import iris.http.HttpProblem;
import iris.http.Json;
import iris.http.Scope;
import iris.enroll.HostFacts.DetectedService;
import iris.prometheus.PrometheusInstance;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v1/alloy/templates}: read the template in use (built-in or the operator's latest
 * version), save a new version (checked by rendering it for a sample host first), list versions,
 * and preview what a host would get.
 */
public final class AlloyTemplateRoutes {
  private static final int MAX_BODY = 256 * 1024;

  private final AlloyTemplates templates;
  private final AlloyTemplateStore store;
  private final IrisConfig config;
  private final io.vertx.core.Vertx vertx;

  public AlloyTemplateRoutes(io.vertx.core.Vertx vertx, AlloyTemplates templates, AlloyTemplateStore store, IrisConfig config) {
    this.vertx = vertx;
    this.templates = templates;
    this.store = store;
    this.config = config;
  }

  public void addRoutes(Router router) {
    String base = "/api/v1/alloy/templates";
    router.get(base).handler(ApiKeyAuth.require(Scope.READ)).handler(this::list);
    router.get(base + "/:name/versions").handler(ApiKeyAuth.require(Scope.READ)).handler(this::versions);
    router.get(base + "/:name").handler(ApiKeyAuth.require(Scope.READ)).handler(this::find);
    router.put(base + "/:name").handler(ApiKeyAuth.require(Scope.WRITE)).handler(this::save);
    router.post(base + "/:name/preview").handler(ApiKeyAuth.require(Scope.READ)).handler(this::preview);
  }

  private void list(RoutingContext ctx) {
    store.current().onSuccess(overrides -> {
      JsonArray items = new JsonArray();
      for (String name : AlloyTemplates.NAMES) {
        var stored = overrides.stream().filter(s -> s.name().equals(name)).findFirst();
        items.add(new JsonObject().put("name", name).put("source", stored.isPresent() ? "database" : "built-in")
            .put("version", stored.map(AlloyTemplateStore.Stored::version).orElse(0)));
      }
      Json.ok(ctx, new JsonObject().put("items", items));
    }).onFailure(ctx::fail);
  }

  private void find(RoutingContext ctx) {
    String name = name(ctx);
    String raw = ctx.queryParams().get("version");
    Integer version = null;
    if (raw != null) {
      version = Json.intParam(ctx, "version", 0, 0, Integer.MAX_VALUE);
    }
    if (version != null && version == 0) {
      Json.ok(ctx, builtIn(name));
      return;
    }
    Integer wanted = version;
    store.find(name, wanted).onSuccess(stored -> {
      if (stored != null) {
        Json.ok(ctx, stored.toJson());
      } else if (wanted != null) {
        ctx.fail(HttpProblem.notFound("version " + wanted + " of template " + name));
      } else {
        Json.ok(ctx, builtIn(name));
      }
    }).onFailure(ctx::fail);
  }

  private JsonObject builtIn(String name) {
    return new JsonObject().put("name", name).put("version", 0).put("source", "built-in").put("body", templates.builtIn(name));
  }

  private void versions(RoutingContext ctx) {
    String name = name(ctx);
    store.versions(name).onSuccess(list -> {
      JsonArray items = new JsonArray();
      list.forEach(s -> items.add(new JsonObject().put("version", s.version()).put("created_by", s.createdBy())
          .put("created_at", s.createdAt())));
      items.add(new JsonObject().put("version", 0).put("source", "built-in"));
      Json.ok(ctx, new JsonObject().put("name", name).put("items", items));
    }).onFailure(ctx::fail);
  }

  /** A template that does not render for a sample host is refused, so a typo never reaches a host. */
  private void save(RoutingContext ctx) {
    String name = name(ctx);
    JsonObject body = Json.body(ctx);
    Json.onlyFields(body, java.util.Set.of("body"));
    String text = Json.requiredString(body, "body", MAX_BODY);
    String by = ApiKeyAuth.principalName(ctx);
    offLoop(() -> templates.renderOne(name, text, model(sampleFacts(name), sampleRequest())))
        .compose(rendered -> store.save(name, text, by))
        .onSuccess(saved -> Json.ok(ctx, saved.toJson())).onFailure(ctx::fail);
  }

  /**
   * Renders the host's whole config.alloy. The body names the host ({@code hostname},
   * {@code os_family}, {@code services}, {@code environment}, …) and may carry an unsaved
   * {@code body} for this template to try it before saving.
   */
  private void preview(RoutingContext ctx) {
    String name = name(ctx);
    JsonObject body = Json.optionalBody(ctx);
    HostFacts facts = facts(body, name);
    JsonObject request = new JsonObject().put("address", body.getString("address", "192.0.2.10"))
        .put("environment", body.getString("environment", "production"))
        .put("labels", body.getJsonObject("labels", new JsonObject()));
    String draft = Json.optionalString(body, "body", MAX_BODY);
    ApiKey key = ctx.get(ApiKeyAuth.PRINCIPAL);
    if (draft != null && (key == null || !key.scope().includes(Scope.WRITE))) {
      // A draft is operator code run on this node: only those who may save templates may try one.
      throw new HttpProblem(403, "forbidden", "previewing a draft body needs scope 'write'", "body");
    }
    templates.sourcesFor(facts).compose(sources -> {
      if (!sources.containsKey(name)) {
        sources.put(name, "");
      }
      if (draft != null) {
        sources.put(name, draft);
      }
      return offLoop(() -> templates.render(sources, model(facts, request))).map(rendered -> {
        JsonArray exporters = new JsonArray();
        rendered.exporters().forEach(e -> exporters.add(new JsonObject().put("service_type", e.serviceType())
            .put("component", e.componentId()).put("metrics_path", e.metricsPath())));
        return new JsonObject().put("name", name).put("templates", new JsonArray(new ArrayList<>(sources.keySet())))
            .put("config", rendered.text()).put("exporters", exporters);
      });
    }).onSuccess(result -> Json.ok(ctx, result)).onFailure(ctx::fail);
  }

  /** A rendering the API asked for: an operator's template may loop for long, so never on the event loop. */
  private <T> Future<T> offLoop(Rendering<T> rendering) {
    return vertx.executeBlocking(() -> {
      try {
        return rendering.render();
      } catch (AlloyTemplates.TemplateProblem e) {
        throw HttpProblem.badRequest("body", e.getMessage());
      }
    }, false);
  }

  private interface Rendering<T> {
    T render() throws AlloyTemplates.TemplateProblem;
  }

  private Map<String, Object> model(HostFacts facts, JsonObject request) {
    Map<String, String> labels = new java.util.LinkedHashMap<>();
    request.getJsonObject("labels", new JsonObject()).forEach(e -> labels.put(e.getKey(), String.valueOf(e.getValue())));
    return AlloyModel.of(facts, facts.hostname(), request.getString("address"), request.getString("environment"), labels,
        config.prometheus().get(0), config.enroll().alloy());
  }

  private static HostFacts facts(JsonObject body, String name) {
    String familyName = body.getString("os_family", name.equals("windows") ? "windows" : "debian");
    OsFamily family;
    try {
      family = OsFamily.valueOf(familyName.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw HttpProblem.badRequest("os_family", "must be debian, rhel, suse or windows");
    }
    List<DetectedService> services = new ArrayList<>();
    Object listed = body.getValue("services");
    if (listed instanceof JsonArray array) {
      array.forEach(s -> services.add(new DetectedService(String.valueOf(s), "given")));
    } else if (listed != null) {
      throw HttpProblem.badRequest("services", "must be a list of service names");
    } else if (!List.of("node", "windows").contains(name)) {
      services.add(new DetectedService(name, "previewed"));
    }
    return new HostFacts(body.getString("hostname", "host.example.internal"), family, body.getString("os_id", family.label()),
        body.getString("os_name", family == OsFamily.WINDOWS ? "Windows Server 2022" : "Debian GNU/Linux 12 (bookworm)"),
        body.getString("os_version", family == OsFamily.WINDOWS ? "10.0.20348" : "12"), body.getString("arch", "x86_64"), services,
        "none");
  }

  private static HostFacts sampleFacts(String name) {
    return facts(new JsonObject(), name);
  }

  private static JsonObject sampleRequest() {
    return new JsonObject().put("address", "192.0.2.10").put("environment", "production");
  }

  private static String name(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    if (!AlloyTemplates.NAMES.contains(name)) {
      throw new HttpProblem(404, "not_found", "no Alloy template '" + name + "'; templates are " + AlloyTemplates.NAMES, "name");
    }
    return name;
  }

}
