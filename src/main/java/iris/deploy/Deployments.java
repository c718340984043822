package iris.deploy;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.OutboundUrl;
import iris.http.HttpProblem;
import iris.http.Json;
import iris.knowledge.OllamaWriter;
import iris.maintenance.Maintenance;
import iris.maintenance.MaintenanceNotices;
import iris.maintenance.MaintenanceStore;
import iris.maintenance.Scope;
import iris.notify.Notice;
import iris.registry.HostStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Deployments: recorded with how they compare with the previous one, announced to the service's
 * maintainers, optionally covered by a maintenance window while they run, and moved through
 * their status ({@code started → succeeded | failed | rolled_back}, {@code succeeded → rolled_back}).
 */
public final class Deployments {
  static final Set<String> FIELDS = Set.of("service", "environment", "version", "hosts", "status", "started_at", "finished_at",
      "deployed_by", "url", "commits", "maintenance");
  static final List<String> STATUSES = List.of("started", "succeeded", "failed", "rolled_back");

  private final DeploymentStore store;
  private final HostStore hosts;
  private final MaintenanceStore maintenanceStore;
  private final Maintenance maintenance;
  private final MaintenanceNotices notices;
  private final Clock clock;

  public Deployments(DeploymentStore store, HostStore hosts, MaintenanceStore maintenanceStore, Maintenance maintenance,
      MaintenanceNotices notices, Clock clock) {
    this.store = store;
    this.hosts = hosts;
    this.maintenanceStore = maintenanceStore;
    this.maintenance = maintenance;
    this.notices = notices;
    this.clock = clock;
  }

  public Future<JsonObject> create(JsonObject body, String actor) {
    Instant now = clock.instant();
    for (String key : body.fieldNames()) {
      if (!FIELDS.contains(key)) {
        throw HttpProblem.badRequest(key, "unknown field");
      }
    }
    String service = Json.requiredString(body, "service", 253).strip();
    String environment = Json.requiredString(body, "environment", 100).strip();
    String version = Json.requiredString(body, "version", 200).strip();
    List<String> hostNames = names(body.getValue("hosts"));
    String status = body.getValue("status") == null ? "started" : Json.requiredString(body, "status", 20).strip();
    if (!STATUSES.contains(status)) {
      throw HttpProblem.badRequest("status", "must be one of " + String.join(", ", STATUSES));
    }
    Instant startedAt = body.getValue("started_at") == null ? now : time(body, "started_at");
    Instant finishedAt = body.getValue("finished_at") == null ? null : time(body, "finished_at");
    if (finishedAt != null && finishedAt.isBefore(startedAt)) {
      throw HttpProblem.badRequest("finished_at", "is before started_at");
    }
    String deployedBy = Json.optionalString(body, "deployed_by", 200);
    String url = Json.optionalString(body, "url", 2000);
    if (url != null && OutboundUrl.problem(url, true) != null) {
      throw HttpProblem.badRequest("url", OutboundUrl.problem(url, true));
    }
    JsonArray commits = commits(body.getValue("commits"));
    Duration windowMax = windowMax(body.getValue("maintenance"));
    if (windowMax != null && !status.equals("started")) {
      throw HttpProblem.badRequest("maintenance", "a window is opened only for a deployment that has started and not finished");
    }
    return hosts.unknownNames("services", List.of(service)).compose(unknown -> {
      if (!unknown.isEmpty()) {
        throw HttpProblem.badRequest("service", "not in the registry: " + service);
      }
      return maintenanceStore.unknownHosts(hostNames);
    }).compose(unknown -> {
      if (!unknown.isEmpty()) {
        throw HttpProblem.badRequest("hosts", "not in the registry: " + String.join(", ", unknown));
      }
      return Future.all(store.previous(service, environment), store.deployedBefore(service, environment, version));
    }).compose(all -> {
      JsonObject previous = all.resultAt(0);
      boolean seen = all.resultAt(1);
      Change change = previous == null ? Change.first() : Change.of(previous.getString("version"), version, seen);
      Future<OllamaWriter.Written> summary = OllamaWriter.orTemplate(notices.writer(), "change summary of " + service + " " + version,
          ChangeSummary.SYSTEM, ChangeSummary.prompt(service, version, previous == null ? null : previous.getString("version"), commits),
          ChangeSummary.of(commits));
      return summary.compose(written -> recordAndOpen(previous, change, written, service, environment, version, hostNames, status,
          startedAt, finishedAt, deployedBy, url, commits, windowMax, now, actor));
    }).compose(store::find).compose(d -> announce(d).map(d));
  }

  private Future<Long> recordAndOpen(JsonObject previous, Change change, OllamaWriter.Written summary, String service,
      String environment, String version, List<String> hostNames, String status, Instant startedAt, Instant finishedAt,
      String deployedBy, String url, JsonArray commits, Duration windowMax, Instant now, String actor) {
    Future<Long> window = windowMax == null ? Future.succeededFuture(null)
        : maintenance.create(new JsonObject().put("title", "Deployment of " + service + " " + version + " (" + environment + ")")
            .put("type", "emergency").put("category", "application")
            .put("description", change.describe(previous == null ? null : previous.getString("version"), version))
            .put("scope", new JsonObject().put("hosts", new JsonArray(hostNames)).put("services", new JsonArray().add(service)))
            .put("ends_at", now.plus(windowMax).toString()).put("notify", false), actor).map(w -> w.getLong("id"));
    return window.compose(windowId -> store.insert(new DeploymentStore.NewDeployment(service, environment, version, hostNames,
            status, startedAt, finishedAt, deployedBy, url, commits, change, previous == null ? null : previous.getLong("id"),
            previous == null ? null : previous.getString("version"), summary, windowId, actor))
        .recover(e -> windowId == null ? Future.failedFuture(e)
            : maintenance.cancel(windowId, actor, "the deployment could not be recorded").transform(x -> Future.failedFuture(e))));
  }

  /** One message per deployment to the service's maintainers: what changed, who, where, and the change summary. */
  private Future<Void> announce(JsonObject d) {
    Change change = new Change(d.getString("change"), d.getString("bump"), d.getString("ordered_by"));
    String what = change.describe(d.getString("previous_version"), d.getString("version"));
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("Change", what);
    facts.put("Environment", d.getString("environment"));
    if (d.getString("deployed_by") != null) {
      facts.put("By", d.getString("deployed_by"));
    }
    if (!d.getJsonArray("hosts").isEmpty()) {
      facts.put("Hosts", String.join(", ", d.getJsonArray("hosts").stream().map(String::valueOf).toList()));
    }
    facts.put("Status", d.getString("status"));
    facts.put("Summary written by", d.getString("summary_generated_by")
        + (d.getString("summary_model") != null ? " (" + d.getString("summary_model") + ")"
            : d.getString("summary_fallback_reason") != null ? " (LLM failed: " + d.getString("summary_fallback_reason") + ")" : ""));
    facts.put("Details", "/api/v1/deployments/" + d.getLong("id"));
    Notice notice = new Notice(d.getString("service") + " " + d.getString("version") + " deployed to " + d.getString("environment")
        + ": " + what, d.getString("change_summary"), !d.getString("status").equals("failed"), facts,
        d.getString("url") == null ? null : new iris.notify.Notification.Link("Deployment", d.getString("url")));
    return notices.tell(scope(d), "deployment:" + d.getLong("id"), "deployed", notice);
  }

  private static Scope scope(JsonObject d) {
    return new Scope(List.of(), List.of(d.getString("service")), List.of());
  }

  /** Moves the status; a deployment-bound window ends with it, and a failure or rollback is told to the maintainers. */
  public Future<JsonObject> patch(long id, JsonObject body, String actor) {
    Instant now = clock.instant();
    for (String key : body.fieldNames()) {
      if (!Set.of("status", "finished_at").contains(key)) {
        throw HttpProblem.badRequest(key, "unknown field (status and finished_at can change)");
      }
    }
    String status = Json.requiredString(body, "status", 20).strip();
    if (!STATUSES.contains(status) || status.equals("started")) {
      throw HttpProblem.badRequest("status", "must be succeeded, failed or rolled_back");
    }
    Instant finishedAt = body.getValue("finished_at") == null ? now : time(body, "finished_at");
    List<String> from = status.equals("rolled_back") ? List.of("started", "succeeded") : List.of("started");
    return store.find(id).compose(d -> {
      if (d == null) {
        throw HttpProblem.notFound("deployment " + id);
      }
      return store.move(id, from, status, finishedAt, now);
    }).compose(moved -> {
      if (moved == null) {
        throw new HttpProblem(409, "conflict", "deployment " + id + " cannot become " + status + " from its status", "status");
      }
      Long windowId = moved.getLong("window_id");
      Future<Void> window = windowId == null ? Future.succeededFuture()
          : maintenance.end(windowId, actor, "deployment " + id + " " + status.replace('_', ' ')).<Void>mapEmpty()
              .recover(e -> Future.succeededFuture());
      if (status.equals("succeeded")) {
        return window.map(moved);
      }
      Notice notice = new Notice(moved.getString("service") + " " + moved.getString("version") + " "
          + (status.equals("failed") ? "failed to deploy" : "was rolled back") + " in " + moved.getString("environment"),
          windowId == null ? "Check the service." : "Its maintenance window has ended: alerts of its hosts and service are no longer muted.",
          false, Map.of("Deployment", "/api/v1/deployments/" + id), null);
      return window.compose(v -> notices.tell(scope(moved), "deployment:" + id, status, notice)).map(moved);
    });
  }

  public Future<JsonObject> find(long id) {
    return store.find(id).map(d -> {
      if (d == null) {
        throw HttpProblem.notFound("deployment " + id);
      }
      return d;
    });
  }

  public Future<List<JsonObject>> list(String service, String environment, Instant since, int limit) {
    return store.list(service, environment, since, limit);
  }

  private static Duration windowMax(Object raw) {
    if (raw == null) {
      return null;
    }
    if (!(raw instanceof JsonObject m) || !(m.getValue("max") instanceof String s)) {
      throw HttpProblem.badRequest("maintenance", "must be {\"max\": \"PT30M\"}");
    }
    try {
      Duration d = Duration.parse(s);
      if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofDays(1)) > 0) {
        throw HttpProblem.badRequest("maintenance.max", "must be positive and at most P1D");
      }
      return d;
    } catch (DateTimeParseException e) {
      throw HttpProblem.badRequest("maintenance.max", "'" + s + "' is not an ISO-8601 duration such as PT30M");
    }
  }

  private static JsonArray commits(Object raw) {
    if (raw == null) {
      return new JsonArray();
    }
    if (!(raw instanceof JsonArray a) || a.size() > 500) {
      throw HttpProblem.badRequest("commits", "must be a list of at most 500 {sha, message, author}");
    }
    JsonArray out = new JsonArray();
    for (int i = 0; i < a.size(); i++) {
      if (!(a.getValue(i) instanceof JsonObject c) || !(c.getValue("sha") instanceof String sha) || sha.isBlank() || sha.length() > 100) {
        throw HttpProblem.badRequest("commits[" + i + "]", "must be {sha, message, author} with a sha");
      }
      String message = c.getValue("message") instanceof String m ? m : "";
      String author = c.getValue("author") instanceof String au ? au : null;
      out.add(new JsonObject().put("sha", sha).put("message", message.length() > 10_000 ? message.substring(0, 10_000) : message)
          .put("author", author));
    }
    return out;
  }

  private static List<String> names(Object raw) {
    if (raw == null) {
      return List.of();
    }
    if (!(raw instanceof JsonArray a) || a.size() > 500) {
      throw HttpProblem.badRequest("hosts", "must be a list of at most 500 host names");
    }
    Set<String> out = new LinkedHashSet<>();
    for (int i = 0; i < a.size(); i++) {
      if (!(a.getValue(i) instanceof String s) || s.isBlank()) {
        throw HttpProblem.badRequest("hosts[" + i + "]", "must be a host name");
      }
      out.add(s.strip());
    }
    return new ArrayList<>(out);
  }

  static Instant time(JsonObject body, String field) {
    if (!(body.getValue(field) instanceof String s)) {
      throw HttpProblem.badRequest(field, "must be an RFC 3339 time");
    }
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      throw HttpProblem.badRequest(field, "'" + s + "' is not an RFC 3339 time");
    }
  }
}
