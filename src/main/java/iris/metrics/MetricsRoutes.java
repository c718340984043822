package iris.metrics;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import iris.http.ApiKeyAuth;
import iris.http.HttpProblem;
import iris.http.Json;
import iris.http.Scope;
import iris.registry.HostStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code GET /api/v1/hosts/{id}/snapshots?since=&until=} (a host's snapshots, oldest first; the
 * last day by default) and {@code GET /api/v1/snapshots/latest?state=} (each host's latest).
 */
final class MetricsRoutes {
  static final Duration DEFAULT_PERIOD = Duration.ofDays(1);
  static final int DEFAULT_LIMIT = 1000;
  static final int MAX_LIMIT = 10_000;

  private final Snapshots snapshots;
  private final HostStore hosts;
  private final Clock clock;

  MetricsRoutes(Snapshots snapshots, HostStore hosts, Clock clock) {
    this.snapshots = snapshots;
    this.hosts = hosts;
    this.clock = clock;
  }

  void addRoutes(Router router) {
    router.get("/api/v1/hosts/:id/snapshots").handler(ApiKeyAuth.require(Scope.READ)).handler(this::ofHost);
    router.get("/api/v1/snapshots/latest").handler(ApiKeyAuth.require(Scope.READ)).handler(this::latest);
  }

  private void ofHost(RoutingContext ctx) {
    long id = Json.pathId(ctx, "id");
    Instant until = time(ctx, "until");
    Instant since = time(ctx, "since");
    if (until == null) {
      until = clock.instant();
    }
    if (since == null) {
      since = until.minus(DEFAULT_PERIOD);
    }
    if (!since.isBefore(until)) {
      throw HttpProblem.badRequest("since", "must be before until");
    }
    int limit = Json.intParam(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    Instant from = since;
    Instant to = until;
    hosts.find(id).compose(host -> {
      if (host == null) {
        return io.vertx.core.Future.failedFuture(HttpProblem.notFound("host " + id));
      }
      return snapshots.ofHost(id, from, to, limit);
    }).onSuccess(found -> Json.ok(ctx, new JsonObject().put("host_id", id).put("since", from.toString())
        .put("until", to.toString()).put("items", items(found)))).onFailure(ctx::fail);
  }

  private void latest(RoutingContext ctx) {
    Set<Level> states = states(ctx.queryParams().get("state"));
    int limit = Json.intParam(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    snapshots.latestOfAll(states, limit).onSuccess(found -> Json.ok(ctx, new JsonObject().put("items", items(found))))
        .onFailure(ctx::fail);
  }

  /** A comma-separated list of states; none = every state. */
  static Set<Level> states(String raw) {
    Set<Level> states = EnumSet.noneOf(Level.class);
    if (raw == null || raw.isBlank()) {
      return states;
    }
    for (String part : raw.split(",")) {
      Level level = Level.of(part.strip());
      if (level == null) {
        throw HttpProblem.badRequest("state", "must be ok, warning, critical or unknown (or several, comma-separated), got '"
            + part.strip() + "'");
      }
      states.add(level);
    }
    return states;
  }

  private static Instant time(RoutingContext ctx, String name) {
    String raw = ctx.queryParams().get(name);
    if (raw == null || raw.isBlank()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(raw.strip()).toInstant();
    } catch (DateTimeParseException e) {
      throw HttpProblem.badRequest(name, "must be an RFC 3339 timestamp such as 2026-01-31T12:00:00Z");
    }
  }

  private static JsonArray items(List<Snapshot> found) {
    List<Object> out = new ArrayList<>();
    found.forEach(s -> out.add(s.toJson()));
    return new JsonArray(out);
  }
}
